/*
 * Linked into the static release binary only (Makefile RELEASE_FLAGS): Debian's libpq.a is built with
 * GSSAPI (Kerberos) and LDAP support, and there is no static Kerberos library, while a static libldap
 * drags in GnuTLS, SASL and Berkeley DB. These stand-ins fail every call, so the static shq connects
 * with passwords, SCRAM, TLS certificates and peer/trust authentication, but not with Kerberos or
 * LDAP service look-ups (Docs/design/sync.md). libpq asks gss_acquire_cred first: its failure makes
 * libpq skip GSS encryption ("prefer" mode) without an error. Dynamic builds (tests) use the real
 * libraries through libpq.so and never see this file.
 *
 * The signatures are loose on purpose (no gssapi.h/ldap.h here): on x86-64 and arm64 a caller passing
 * more arguments than a function reads is harmless, and only the return value matters.
 */
#include <stddef.h>

typedef unsigned int shq_om_uint32;
#define SHQ_GSS_S_FAILURE (13u << 16)

void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

static shq_om_uint32 shq_gss_unavailable(shq_om_uint32 *minor) {
    if (minor) *minor = 0;
    return SHQ_GSS_S_FAILURE;
}

shq_om_uint32 gss_acquire_cred(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_init_sec_context(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_import_name(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_display_status(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_wrap(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_unwrap(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
shq_om_uint32 gss_wrap_size_limit(shq_om_uint32 *minor) { return shq_gss_unavailable(minor); }
/* Releasing nothing succeeds. */
shq_om_uint32 gss_delete_sec_context(shq_om_uint32 *minor) { if (minor) *minor = 0; return 0; }
shq_om_uint32 gss_release_buffer(shq_om_uint32 *minor) { if (minor) *minor = 0; return 0; }
shq_om_uint32 gss_release_cred(shq_om_uint32 *minor) { if (minor) *minor = 0; return 0; }
shq_om_uint32 gss_release_name(shq_om_uint32 *minor) { if (minor) *minor = 0; return 0; }

/* LDAP: ldap_init returning NULL makes libpq report that it cannot use the LDAP service URL. */
void *ldap_init(void) { return NULL; }
char *ldap_err2string(int error) { (void)error; return "LDAP is not available in this static shq"; }
int ldap_set_option(void) { return -1; }
int ldap_simple_bind(void) { return -1; }
int ldap_search_st(void) { return -1; }
int ldap_result(void) { return -1; }
int ldap_count_entries(void) { return -1; }
void *ldap_first_entry(void) { return NULL; }
void *ldap_get_values_len(void) { return NULL; }
void ldap_value_free_len(void) {}
int ldap_msgfree(void) { return 0; }
int ldap_unbind(void) { return 0; }
