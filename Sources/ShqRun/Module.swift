// Placeholder removed once the module has content.
