// Package accessreview runs access review campaigns: the accounts of one or
// more systems (a connection's latest complete collection, or an uploaded
// list) frozen when the campaign starts, as a ledger record; each account
// given to a reviewer (the linked person's manager, else the system's
// owner); decisions to keep, revoke or change access, revocations opening
// tasks that a later collection verifies; and the completed campaign's
// report stored as evidence, with the completion a ledger record. Every
// change writes an activity entry in the transaction that makes it.
package accessreview

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
)

// Service runs access reviews.
type Service struct {
	DB       *store.DB
	Ledger   *chain.Chain
	Evidence *evidence.Service
	Monitor  *monitor.Service
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Controls are the library controls an access review is evidence for: the
// organization's controls adopted from them are linked to its report and
// its removal tasks.
var Controls = []string{"AC-4"}

// RemovalDays is how many days a revoke or change task is given.
const RemovalDays = 7

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// List returns the campaigns p may see, newest first: every campaign for
// those who read the programme, the campaigns with accounts assigned to
// them for reviewers.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]attest.AccessReview, error) {
	if err := p.Require(attest.ActOwn); err != nil {
		return nil, err
	}
	return s.DB.AccessReviews(ctx, p.Visibility(attest.RecordAccessItem))
}

// Detail is a campaign with the items p may see, each revoked one with
// whether it was removed.
type Detail struct {
	Review attest.AccessReview       `json:"review"`
	Items  []attest.AccessReviewItem `json:"items"`
}

// Get returns a campaign and the items p may see; a reviewer with no item
// in it gets not-found, as for a campaign that does not exist.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (Detail, error) {
	var d Detail
	if err := p.Require(attest.ActOwn); err != nil {
		return d, err
	}
	v := p.Visibility(attest.RecordAccessItem)
	var err error
	if d.Review, err = s.DB.AccessReview(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	if d.Items, err = s.DB.AccessReviewItems(ctx, v, id); err != nil {
		return d, err
	}
	if len(d.Items) == 0 && v.OwnerID != 0 {
		return Detail{}, attest.Errorf(attest.ENOTFOUND, "access review not found")
	}
	return d, s.removals(ctx, p.OrgID, d.Items)
}

// removals derives, for every revoked item, whether its account is gone:
// from its connection's latest complete collection, or for an uploaded
// list from its task.
func (s *Service) removals(ctx context.Context, orgID int64, items []attest.AccessReviewItem) error {
	type latest struct {
		at       time.Time
		accounts map[string]attest.Account
	}
	seen := map[int64]*latest{}
	for i := range items {
		it := &items[i]
		if it.Decision != attest.DecisionRevoke {
			continue
		}
		if it.ConnectionID == 0 {
			closed := false
			if it.TaskID != 0 {
				t, err := s.DB.Task(ctx, orgID, it.TaskID)
				if err != nil {
					return err
				}
				closed = t.Status == attest.TaskDone
			}
			it.Removal = attest.RemovalOf(*it, nil, time.Time{}, closed)
			continue
		}
		l, ok := seen[it.ConnectionID]
		if !ok {
			l = &latest{accounts: map[string]attest.Account{}}
			run, err := s.Monitor.LatestComplete(ctx, orgID, it.ConnectionID)
			var accounts []attest.Account
			if err == nil {
				accounts, err = s.Monitor.Accounts(ctx, run)
			}
			switch {
			case attest.ErrorCode(err) == attest.ENOTFOUND:
			case err != nil:
				return err
			default:
				l.at = run.FinishedAt
				for _, a := range accounts {
					l.accounts[a.Key] = a
				}
			}
			seen[it.ConnectionID] = l
		}
		var acc *attest.Account
		if a, ok := l.accounts[it.Key]; ok {
			acc = &a
		}
		it.Removal = attest.RemovalOf(*it, acc, l.at, false)
	}
	return nil
}

// SystemChoice is one connection a campaign reviews, with the member who
// owns the system.
type SystemChoice struct {
	ConnectionID int64 `json:"connection_id"`
	OwnerID      int64 `json:"owner_id"`
}

// Upload is an uploaded account list of one system (see ParseAccounts).
type Upload struct {
	System   string           `json:"system"`
	OwnerID  int64            `json:"owner_id"`
	Accounts []attest.Account `json:"accounts"`
}

// Start is what a campaign starts from.
type Start struct {
	Title   string         `json:"title"`
	DueOn   string         `json:"due_on"` // YYYY-MM-DD; two weeks from today when empty
	Systems []SystemChoice `json:"systems"`
	Upload  *Upload        `json:"upload,omitempty"`
}

// Start freezes the accounts of the chosen systems into a new campaign and
// assigns each to its reviewer. The account list is a ledger record,
// appended with the campaign in one transaction.
func (s *Service) Start(ctx context.Context, p attest.Principal, in Start) (attest.AccessReview, error) {
	var r attest.AccessReview
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	today := attest.Today(s.now())
	in.Title, in.DueOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.DueOn)
	if in.Title == "" {
		t := s.now().UTC()
		in.Title = fmt.Sprintf("Access review %d Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	if len(in.Title) > 200 {
		return r, attest.Invalid("title", "must be at most 200 characters")
	}
	if in.DueOn == "" {
		in.DueOn = s.now().UTC().AddDate(0, 0, 14).Format(attest.DateLayout)
	}
	if d, err := time.Parse(attest.DateLayout, in.DueOn); err != nil || d.Format(attest.DateLayout) != in.DueOn {
		return r, attest.Invalid("due_on", "must be a date, YYYY-MM-DD (got %q)", in.DueOn)
	} else if in.DueOn < today {
		return r, attest.Invalid("due_on", "is in the past")
	}
	if len(in.Systems) == 0 && in.Upload == nil {
		return r, attest.Invalid("systems", "choose at least one system, or upload an account list")
	}
	list, err := s.DB.People(ctx, p.OrgID, store.PeopleFilter{})
	if err != nil {
		return r, err
	}
	systems, accounts, err := s.gather(ctx, p, in)
	if err != nil {
		return r, err
	}
	links, err := s.DB.AccountLinks(ctx, p.OrgID)
	if err != nil {
		return r, err
	}
	// The roster's rule links accounts to people: manual links, then by
	// email or alias.
	ro := attest.Reconcile(list, accounts, links, today, attest.RosterRules{})
	accounts = slices.Clone(ro.Unlinked)
	people := map[int64]attest.Person{}
	for _, row := range ro.People {
		people[row.Person.ID] = row.Person
		accounts = append(accounts, row.Accounts...)
	}
	owners := map[string]int64{}
	for _, sys := range systems {
		owners[sys.Name] = sys.OwnerID
	}
	items := make([]attest.AccessReviewItem, 0, len(accounts))
	for _, a := range accounts {
		it := attest.AccessReviewItem{OrgID: p.OrgID, System: a.Connection, ConnectionID: a.ConnectionID, Key: a.Key, Login: a.Login,
			Email: a.Email, Name: a.Name, Active: a.Active, Admin: a.Admin, PersonID: a.PersonID, ReviewerID: owners[a.Connection]}
		if m, ok := people[people[a.PersonID].ManagerID]; ok && a.PersonID != 0 && m.UserID != 0 && m.Role != "" && attest.MayOwn(m.Role, "reviewer") == nil {
			it.ReviewerID = m.UserID
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b attest.AccessReviewItem) int {
		return strings.Compare(a.System+"\x00"+a.Login+"\x00"+a.Key, b.System+"\x00"+b.Login+"\x00"+b.Key)
	})
	r = attest.AccessReview{OrgID: p.OrgID, UID: attest.NewUID("ar_"), Title: in.Title, State: attest.AccessReviewOpen, DueOn: in.DueOn,
		Systems: systems, StartedBy: p.UserID}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		labels, err := memberLabels(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		emails := map[int64]string{}
		for id, person := range people {
			emails[id] = person.Email
		}
		r.StartedAt = tx.Now()
		rec := snapshotRecord(org.Slug, p.Label, r, items, labels, emails)
		if r.SnapshotHash, _, err = ledger.HashRecord(rec); err != nil {
			return err
		}
		if err := tx.CreateAccessReview(ctx, &r); err != nil {
			return err
		}
		for i := range items {
			items[i].ReviewID = r.ID
			if err := tx.AddAccessReviewItem(ctx, &items[i]); err != nil {
				return err
			}
		}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeAccessReviewSnapshot, r.UID, rec); err != nil {
			return err
		}
		names := make([]string, len(systems))
		for i, sys := range systems {
			names[i] = sys.Name
		}
		return tx.Log(ctx, p.Record("access_review.started", "access_review", idString(r.ID),
			fmt.Sprintf("Started the access review “%s” of %d accounts in %s, due %s", r.Title, len(items), strings.Join(names, ", "), r.DueOn)))
	})
	if err != nil {
		return r, err
	}
	return s.DB.AccessReview(ctx, p.OrgID, r.ID)
}

// gather reads the chosen systems' accounts: each connection's from its
// latest complete collection, an upload's as uploaded.
func (s *Service) gather(ctx context.Context, p attest.Principal, in Start) ([]attest.AccessReviewSystem, []attest.Account, error) {
	var systems []attest.AccessReviewSystem
	var accounts []attest.Account
	tx := &s.DB.Queries
	for i, c := range in.Systems {
		field := fmt.Sprintf("systems[%d]", i)
		if slices.ContainsFunc(in.Systems[:i], func(o SystemChoice) bool { return o.ConnectionID == c.ConnectionID }) {
			return nil, nil, attest.Invalid(field, "names the same connection twice")
		}
		conn, err := tx.Connection(ctx, p.OrgID, c.ConnectionID)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return nil, nil, attest.Invalid(field, "no such connection in this organization")
		} else if err != nil {
			return nil, nil, err
		}
		if err := checkOwner(ctx, tx, p.OrgID, c.OwnerID, field+".owner"); err != nil {
			return nil, nil, err
		}
		sys := attest.AccessReviewSystem{Name: conn.Name, Source: attest.AccessSourceConnection, ConnectionID: conn.ID, Connector: conn.Type,
			OwnerID: c.OwnerID}
		run, err := s.Monitor.LatestComplete(ctx, p.OrgID, conn.ID)
		var kept []attest.Account
		if err == nil {
			kept, err = s.Monitor.Accounts(ctx, run)
		}
		if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
			return nil, nil, err
		}
		sys.CollectionUID, sys.CollectedAt = run.UID, run.FinishedAt
		for _, a := range kept { // a copy: the kept list is shared
			a.ConnectionID, a.Connection, a.System = conn.ID, conn.Name, conn.Type
			accounts = append(accounts, a)
			sys.Accounts++
		}
		if sys.Accounts == 0 {
			return nil, nil, attest.Invalid(field, "%s has no accounts in a complete collection yet: collect it first", conn.Name)
		}
		systems = append(systems, sys)
	}
	if u := in.Upload; u != nil {
		u.System = strings.TrimSpace(u.System)
		switch {
		case u.System == "":
			return nil, nil, attest.Invalid("upload.system", "is required: name the system the list comes from")
		case len(u.System) > 100:
			return nil, nil, attest.Invalid("upload.system", "must be at most 100 characters")
		case slices.ContainsFunc(systems, func(s attest.AccessReviewSystem) bool { return strings.EqualFold(s.Name, u.System) }):
			return nil, nil, attest.Invalid("upload.system", "is already reviewed from its connection")
		case len(u.Accounts) == 0:
			return nil, nil, attest.Invalid("upload.file", "holds no accounts")
		}
		if err := checkOwner(ctx, tx, p.OrgID, u.OwnerID, "upload.owner"); err != nil {
			return nil, nil, err
		}
		for _, a := range u.Accounts {
			a.Connection, a.System, a.ConnectionID = u.System, attest.AccessSourceUpload, 0
			accounts = append(accounts, a)
		}
		systems = append(systems, attest.AccessReviewSystem{Name: u.System, Source: attest.AccessSourceUpload, OwnerID: u.OwnerID, Accounts: len(u.Accounts)})
	}
	return systems, accounts, nil
}

// checkOwner refuses an owner who is not a member, or may not own work.
func checkOwner(ctx context.Context, tx *store.Queries, orgID, userID int64, field string) error {
	if userID == 0 {
		return attest.Invalid(field, "is required: the member who owns the system reviews accounts nobody's manager can")
	}
	m, err := tx.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid(field, "is not a member of the organization")
	}
	if err != nil {
		return err
	}
	return attest.MayOwn(m.Role, field)
}

// memberLabels are the organization's members as records name them.
func memberLabels(ctx context.Context, tx *store.Queries, orgID int64) (map[int64]string, error) {
	ms, err := tx.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, m := range ms {
		out[m.User.ID] = m.User.Name + " <" + m.User.Email + ">"
	}
	return out, nil
}

// snapshotRecord is a campaign's access_review_snapshot record (ledger/doc.go).
func snapshotRecord(org, by string, r attest.AccessReview, items []attest.AccessReviewItem, labels map[int64]string, emails map[int64]string) map[string]any {
	systems := make([]any, len(r.Systems))
	for i, s := range r.Systems {
		at := ""
		if !s.CollectedAt.IsZero() {
			at = ledger.FormatTime(s.CollectedAt)
		}
		systems[i] = map[string]any{"name": s.Name, "source": s.Source, "connector": s.Connector, "collection": s.CollectionUID,
			"collected_at": at, "owner": labels[s.OwnerID]}
	}
	accounts := make([]any, len(items))
	for i, it := range items {
		accounts[i] = map[string]any{"system": it.System, "key": it.Key, "login": it.Login, "email": it.Email, "name": it.Name,
			"active": it.Active, "admin": it.Admin, "person": emails[it.PersonID], "reviewer": labels[it.ReviewerID]}
	}
	return map[string]any{"type": ledger.RecordTypeAccessReviewSnapshot, "org": org, "uid": r.UID, "title": r.Title, "due_on": r.DueOn,
		"started_by": by, "started_at": ledger.FormatTime(r.StartedAt), "systems": systems, "count": len(items), "accounts": accounts}
}
