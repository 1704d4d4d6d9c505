package account

import (
	"sync"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// keptCredentials keeps the sessions and API tokens read for earlier
// requests, by the hash of their secret, with their users and the access
// revision read with them. A later request with the same secret reads only
// what of the session or token changes after it starts (store.SessionState,
// store.TokenState: its expiry, last use, method or revocation, with the
// revisions), one narrow row instead of the credential and its user, and
// uses the kept user while the access revision is the one read with it
// (every change to a user moves it, migration 00037). A sign-out, a
// revocation or an expiry, made through any server on the database, is seen
// at the next request, as without keeping; and sign-ins and sign-outs, which
// do not move the access revision, leave other users' kept pages alone.
type keptCredentials struct {
	mu           sync.Mutex
	sessions     map[string]keptSession
	tokens       map[string]store.TokenUser
	hits, misses int64
}

type keptSession struct {
	sess store.Session
	user attest.User
}

// maxKeptCredentials bounds each map: past it, all are dropped and read again
// as used (about a kilobyte each: the user agent, the user's name, e-mail
// and password hash).
const maxKeptCredentials = 10_000

func (k *keptCredentials) session(hash string) (keptSession, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.sessions[hash]
	return e, ok
}

func (k *keptCredentials) token(hash string) (store.TokenUser, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	tu, ok := k.tokens[hash]
	return tu, ok
}

// count records whether a request's caller came from a kept session or
// token (read narrowly) or from a whole read.
func (k *keptCredentials) count(kept bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if kept {
		k.hits++
	} else {
		k.misses++
	}
}

func (k *keptCredentials) keepSession(hash string, e keptSession) {
	k.mu.Lock()
	defer k.mu.Unlock()
	keep(&k.sessions, hash, e)
}

func (k *keptCredentials) keepToken(hash string, tu store.TokenUser) {
	k.mu.Lock()
	defer k.mu.Unlock()
	keep(&k.tokens, hash, tu)
}

// keep puts v in *m, emptying *m first when it is full and key is new.
func keep[V any](m *map[string]V, key string, v V) {
	if _, there := (*m)[key]; *m == nil || (!there && len(*m) >= maxKeptCredentials) {
		*m = map[string]V{}
	}
	(*m)[key] = v
}

func (k *keptCredentials) drop(hash string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.sessions, hash)
	delete(k.tokens, hash)
}

// KeptCredentials counts the requests whose caller came from a kept session
// or token, read narrowly, and those whose session or token was read whole.
func (s *Users) KeptCredentials() (hits, misses int64) {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	return s.kept.hits, s.kept.misses
}
