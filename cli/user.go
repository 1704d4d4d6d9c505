package cli

import (
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
)

// runUserResetTwoStep is the operator's recovery for someone who lost both
// their authenticator app and their recovery codes.
func runUserResetTwoStep(e *env, args []string) error {
	f := newFlags("user reset-two-step", e)
	email := f.fs.String("email", "", "the user's email address")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *email == "" {
		return usagef("--email is required")
	}
	addr := attest.NormalizeEmail(*email)
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	removed, err := s.Users.ResetSecondFactor(e.ctx, cliActor(), addr)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return fmt.Errorf("--email: no account has the email %s", addr)
	}
	if err != nil {
		return err
	}
	if removed {
		fmt.Fprintf(e.stdout, "removed %s's authenticator app and recovery codes and signed them out everywhere; they sign in with their password and set up two-step again\n", addr)
	} else {
		fmt.Fprintf(e.stdout, "%s had no authenticator app; signed them out everywhere\n", addr)
	}
	return nil
}
