package attest

import (
	"errors"
	"fmt"
)

// Error codes are stable: the API returns them to clients and the web layer maps
// them to HTTP statuses in one place.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETHROTTLED    = "throttled"
	// EUNAVAILABLE: the database cannot be reached or the disk is full;
	// nothing was changed, and the same request may succeed once the
	// condition clears (HTTP 503 with Retry-After).
	EUNAVAILABLE = "unavailable"
	// EENROL refuses a request because the organization requires a second
	// factor the session did not prove; a browser is sent to set one up.
	EENROL = "enrolment_required"
	// ESSO refuses a request because the organization requires signing in
	// through its identity provider; a browser is sent there.
	ESSO = "sso_required"
)

// Error is a domain error with a code, a message meant for the person who caused
// it, and, for validation failures, the field at fault.
type Error struct {
	Code    string
	Message string
	Field   string
	// Cause is the error behind an EUNAVAILABLE, for the logs; its text is
	// never shown to clients.
	Cause error
}

// Unwrap returns the cause, so errors.Is and errors.As see it.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error that names the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain, or a
// generic message for internal errors, whose details must not leak to clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "Internal error."
}

// ErrorField returns the field named by a validation error, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
