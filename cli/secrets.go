package cli

import (
	"fmt"
	"strings"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/secret"
)

// runSecretsRotate makes a new key current and re-seals every stored
// credential with it. With the key file, it writes a new key at the top of
// the file and keeps the old ones below it (backups of the database taken
// before the rotation still open with them). With ATTEST_SECRET_KEY, the
// operator puts the new key first in the variable; this re-seals with it.
func runSecretsRotate(e *env, args []string) error {
	f := newFlags("secrets rotate", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	// Opening first checks the database and the keys as they are, so that a
	// wrong --data-dir or database URL stops before the key file changes.
	s, err := f.open(e.ctx, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	box, ok := s.Secrets.(*secret.Box)
	if !ok {
		return fmt.Errorf("the install's secret box cannot rotate keys")
	}
	if strings.TrimSpace(e.getenv(secret.EnvKey)) != "" {
		fmt.Fprintf(e.stdout, "%s is set: re-sealing with its first key, %s\n", secret.EnvKey, box.CurrentID())
	} else {
		path := secret.KeyFilePath(f.str("data-dir"), f.str("secret-key-file"))
		k, err := secret.NewKey()
		if err != nil {
			return err
		}
		if err := secret.AddKey(path, k); err != nil {
			return err
		}
		keys, _, err := secret.LoadFile(path, false)
		if err != nil {
			return err
		}
		if box, err = secret.New(keys...); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "new secret key %s is now first in %s; the older keys stay below it\n", k.ID(), path)
	}
	r, err := s.Connections.Reseal(e.ctx, cliActor(), box)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-sealed %d of %d stored credential(s) with key %s\n", r.Resealed, r.Total, box.CurrentID())
	total, resealed, err := s.Users.ResealTOTP(e.ctx, box)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-sealed %d of %d authenticator-app secret(s) with key %s\n", resealed, total, box.CurrentID())
	resealed, total, err = s.Notify.Reseal(e.ctx, box)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-sealed %d of %d notification secret(s) and queued message(s) with key %s\n", resealed, total, box.CurrentID())
	fmt.Fprintf(e.stdout, "restart attest serve and workers so they load the new key; keep the old key until no backup you may restore needs it\n")
	return nil
}
