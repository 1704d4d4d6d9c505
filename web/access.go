package web

import (
	"context"
	"sync"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// keptAccess keeps, for each signed-in user, the organizations they may open
// (memberships, and the audits they are an auditor of) between requests,
// with the install's access revision they were read at. Every request reads
// the revision (with its session, in the same statement), so an entry is
// used only while nothing that decides access has changed since, on this
// server or any other on the same database: a removed member or a changed
// role is seen at the next request, as without keeping.
type keptAccess struct {
	mu           sync.Mutex
	users        map[int64]accessEntry
	hits, misses int64
}

type accessEntry struct {
	revision    int64
	memberships []attest.Membership
	auditor     []store.AuditorAudit
}

// maxAccessUsers bounds what is kept: past it, everything is dropped and
// read again as needed (a few hundred bytes a user).
const maxAccessUsers = 10_000

func (k *keptAccess) get(userID, revision int64) (accessEntry, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.users[userID]
	ok = ok && e.revision == revision
	if ok {
		k.hits++
	} else {
		k.misses++
	}
	return e, ok
}

// KeptAccess counts the requests that found the caller's organizations kept
// and those that read them.
func (s *Server) KeptAccess() (hits, misses int64) {
	s.keptAccess.mu.Lock()
	defer s.keptAccess.mu.Unlock()
	return s.keptAccess.hits, s.keptAccess.misses
}

func (k *keptAccess) put(userID int64, e accessEntry) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.users == nil || len(k.users) >= maxAccessUsers {
		k.users = map[int64]accessEntry{}
	}
	k.users[userID] = e
}

// access returns the signed-in user's memberships (all of them: Memberships
// applies a session's identity provider) and the audits they are an auditor
// of, once per request, kept between requests while the access revision
// stands. The revision is read (with the session or token) before the rows,
// so rows kept under it are never older than it.
func (s *Server) access(ctx context.Context, c *Ctx) (accessEntry, error) {
	if c.accessRead {
		return c.access, nil
	}
	// Without a revision read with the caller (every caller identify
	// knows has one), nothing is kept or used.
	var e accessEntry
	ok := false
	if c.revisionRead {
		e, ok = s.keptAccess.get(c.User.ID, c.revision)
	}
	if !ok {
		ms, err := s.cfg.DB.Memberships(ctx, c.User.ID)
		if err != nil {
			return accessEntry{}, err
		}
		audits, err := s.cfg.DB.AuditorAudits(ctx, c.User.ID)
		if err != nil {
			return accessEntry{}, err
		}
		e = accessEntry{revision: c.revision, memberships: ms, auditor: audits}
		if c.revisionRead {
			s.keptAccess.put(c.User.ID, e)
		}
	}
	c.access, c.accessRead = e, true
	return e, nil
}
