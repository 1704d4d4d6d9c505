package attest

// SignInMethod is how a session was started. Sessions keep it, so that an
// organization's sign-in rule is checked on every request, not only at the
// moment of signing in.
type SignInMethod string

const (
	// MethodPassword is a password alone.
	MethodPassword SignInMethod = "password"
	// MethodTOTP is a password and a code from an authenticator app.
	MethodTOTP SignInMethod = "password+totp"
	// MethodRecovery is a password and a one-time recovery code.
	MethodRecovery SignInMethod = "password+recovery"
)

// MultiFactor reports whether the method proved a second factor.
func (m SignInMethod) MultiFactor() bool {
	return m == MethodTOTP || m == MethodRecovery
}

// Label is the method as people read it.
func (m SignInMethod) Label() string {
	switch m {
	case MethodPassword:
		return "Password"
	case MethodTOTP:
		return "Password and authenticator app"
	case MethodRecovery:
		return "Password and recovery code"
	}
	return string(m)
}

// SignInAllowed applies an organization's sign-in rule to a session started
// with method m: nil when the session may act in the organization, an EENROL
// error naming what is missing otherwise.
func SignInAllowed(o Organization, m SignInMethod) error {
	if o.RequireMFA && !m.MultiFactor() {
		return &Error{Code: EENROL, Message: o.Name + " requires two-step verification. Set up an authenticator app, then sign in again with it."}
	}
	return nil
}
