// INTEGRATION POINT: the `shq run` engine (issue 3) lands here.
