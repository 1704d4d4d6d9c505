package accessreview

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
)

// FuzzParseAccounts feeds an uploaded account list hostile files: a list it
// accepts has accounts with a login and a key, never more than the limit.
func FuzzParseAccounts(f *testing.F) {
	f.Add([]byte("login,email,name,key,active,admin\nroot,,Root,,yes,yes\nada,ada@acme.test,Ada,u1,true,false\n"))
	f.Add([]byte("login,admin\nroot,maybe\n"))
	f.Add([]byte("email\nada@acme.test\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		accounts, err := ParseAccounts(bytes.NewReader(data))
		if err != nil {
			if attest.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %#v", err)
			}
			return
		}
		if len(accounts) > MaxListRows {
			t.Fatalf("%d accounts, over the limit of %d", len(accounts), MaxListRows)
		}
		for _, a := range accounts {
			if a.Login == "" || a.Key == "" {
				t.Fatalf("an account without a login or key: %+v", a)
			}
		}
	})
}
