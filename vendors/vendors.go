// Package vendors keeps an organization's vendor register: vendors with
// their criticality, the data they receive, their contract and owner; their
// reviews (the vendor's SOC 2 report uploaded as evidence, its period and
// opinion, the organization's security questionnaire, a conclusion approved
// by a reviewer, appended to the ledger); and the complementary user entity
// controls a report asks of the organization, as a checklist with owners.
// Every change writes an activity entry in the transaction that makes it.
package vendors

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Service changes and reads the vendor register.
type Service struct {
	DB       *store.DB
	Ledger   *chain.Chain
	Evidence *evidence.Service
	Now      func() time.Time
}

func (s *Service) today() string {
	if s.Now == nil {
		return attest.Today(time.Now())
	}
	return attest.Today(s.Now())
}

// ReviewControls are the library controls a vendor's report is evidence
// for: the organization's controls adopted from them are linked to it.
var ReviewControls = []string{"VEND-4", "VEND-2"}

// List returns the organization's vendors by name.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]attest.Vendor, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Vendors(ctx, p.OrgID)
}

// Detail is a vendor with its reviews (newest first), its checklist and the
// subservice organizations in scope that name it.
type Detail struct {
	Vendor      attest.Vendor          `json:"vendor"`
	Reviews     []attest.VendorReview  `json:"reviews"`
	CUECs       []attest.VendorCUEC    `json:"cuecs"`
	Subservices []attest.SubserviceOrg `json:"subservices"`
}

// Get returns a vendor and everything recorded about it.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (Detail, error) {
	var d Detail
	if err := p.Require(attest.ActRead); err != nil {
		return d, err
	}
	var err error
	if d.Vendor, err = s.DB.Vendor(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	if d.Reviews, err = s.DB.VendorReviews(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	if d.CUECs, err = s.DB.VendorCUECs(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	subs, err := s.DB.Subservices(ctx, p.OrgID)
	for _, sub := range subs {
		if sub.VendorID == id {
			d.Subservices = append(d.Subservices, sub)
		}
	}
	return d, err
}

func checkMember(ctx context.Context, tx *store.Queries, orgID, userID int64, field string) error {
	if userID == 0 {
		return nil
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

// Create records a vendor.
func (s *Service) Create(ctx context.Context, p attest.Principal, v attest.Vendor) (attest.Vendor, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return v, err
	}
	v.ID, v.OrgID = 0, p.OrgID
	if err := attest.ValidateVendor(&v); err != nil {
		return v, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error { return createTx(ctx, tx, p, &v) })
	if err != nil {
		return v, err
	}
	return s.DB.Vendor(ctx, p.OrgID, v.ID)
}

func createTx(ctx context.Context, tx *store.Queries, p attest.Principal, v *attest.Vendor) error {
	if err := checkMember(ctx, tx, p.OrgID, v.OwnerID, "owner"); err != nil {
		return err
	}
	if err := tx.CreateVendor(ctx, v); err != nil {
		return err
	}
	return tx.Log(ctx, p.Record("vendor.created", "vendor", idString(v.ID),
		fmt.Sprintf("Added the vendor %s (%s)", v.Name, v.Criticality)))
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// Update saves a vendor's fields; the activity entry names what changed.
func (s *Service) Update(ctx context.Context, p attest.Principal, v attest.Vendor) (attest.Vendor, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return v, err
	}
	v.OrgID = p.OrgID
	if err := attest.ValidateVendor(&v); err != nil {
		return v, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := tx.Vendor(ctx, p.OrgID, v.ID)
		if err != nil {
			return err
		}
		_, err = updateTx(ctx, tx, p, before, v)
		return err
	})
	if err != nil {
		return v, err
	}
	return s.DB.Vendor(ctx, p.OrgID, v.ID)
}

// updateTx saves v over before, logging what changed; it reports whether
// anything did.
func updateTx(ctx context.Context, tx *store.Queries, p attest.Principal, before, v attest.Vendor) (bool, error) {
	changed := Changes(before, v)
	if len(changed) == 0 {
		return false, nil
	}
	if v.OwnerID != before.OwnerID {
		if err := checkMember(ctx, tx, p.OrgID, v.OwnerID, "owner"); err != nil {
			return false, err
		}
	}
	if err := tx.UpdateVendor(ctx, &v); err != nil {
		return false, err
	}
	return true, tx.Log(ctx, p.Record("vendor.updated", "vendor", idString(v.ID),
		fmt.Sprintf("Changed the vendor %s: %s", v.Name, strings.Join(changed, "; "))))
}

// Changes describes what differs between two versions of a vendor, field
// by field, for its history.
func Changes(a, b attest.Vendor) []string {
	var out []string
	diff := func(field, x, y string) {
		if x != y {
			if x == "" {
				x = "none"
			}
			if y == "" {
				y = "none"
			}
			out = append(out, fmt.Sprintf("%s %s → %s", field, x, y))
		}
	}
	diff("name", a.Name, b.Name)
	diff("website", a.Website, b.Website)
	diff("criticality", a.Criticality, b.Criticality)
	diff("data shared", strings.Join(a.DataShared, ", "), strings.Join(b.DataShared, ", "))
	diff("services", a.Services, b.Services)
	diff("location", a.Location, b.Location)
	diff("contract start", a.ContractStart, b.ContractStart)
	diff("contract end", a.ContractEnd, b.ContractEnd)
	if a.OwnerID != b.OwnerID {
		out = append(out, "owner changed")
	}
	diff("review cadence", strconv.Itoa(a.ReviewMonths)+" months", strconv.Itoa(b.ReviewMonths)+" months")
	diff("status", a.Status, b.Status)
	if a.Notes != b.Notes {
		out = append(out, "notes changed")
	}
	return out
}

// Report is a vendor's assurance report being uploaded with a review: its
// file, read once.
type Report struct {
	Filename string
	Content  io.Reader
}

// StartReview records a draft review of a vendor: the report's details,
// the questionnaire's answers, and the report itself (when given) uploaded
// as evidence through the evidence service, linked to the controls adopted
// from ReviewControls. Everything is checked before the file is stored.
func (s *Service) StartReview(ctx context.Context, p attest.Principal, vendorID int64, r attest.VendorReview, report *Report) (attest.VendorReview, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	if err := attest.ValidateVendorReview(&r); err != nil {
		return r, err
	}
	v, err := s.DB.Vendor(ctx, p.OrgID, vendorID)
	if err != nil {
		return r, err
	}
	if (report != nil) != (r.ReportType != attest.ReportNone) {
		if report == nil {
			return r, attest.Invalid("report", "is required for a %s: upload the vendor's report", attest.ReportTypeLabel(r.ReportType))
		}
		return r, attest.Invalid("report_type", "must be type1 or type2 when a report is uploaded")
	}
	r.ID, r.OrgID, r.VendorID, r.State, r.UID = 0, p.OrgID, v.ID, attest.ReviewDraft, attest.NewUID("vr_")
	r.Conclusion, r.ReviewerID, r.CompletedOn = "", 0, ""
	if report != nil {
		ev, err := s.addReport(ctx, p, v, r, report)
		if err != nil {
			return r, err
		}
		r.ReportID, r.ReportUID = ev.ID, ev.UID
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateVendorReview(ctx, &r); err != nil {
			return err
		}
		summary := fmt.Sprintf("Started a review of %s", v.Name)
		if r.ReportType != attest.ReportNone {
			summary += fmt.Sprintf(" with its %s report for %s to %s (%s opinion)", attest.ReportTypeLabel(r.ReportType), r.PeriodStart, r.PeriodEnd, r.Opinion)
		}
		return tx.Log(ctx, p.Record("vendor.review_started", "vendor", idString(v.ID), summary))
	})
	if err != nil {
		return r, err
	}
	return s.DB.VendorReview(ctx, p.OrgID, r.ID)
}

func (s *Service) addReport(ctx context.Context, p attest.Principal, v attest.Vendor, r attest.VendorReview, report *Report) (attest.Evidence, error) {
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return attest.Evidence{}, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return attest.Evidence{}, err
	}
	ids := attest.AdoptedFrom(controls, ReviewControls...)
	start, _ := time.Parse(attest.DateLayout, r.PeriodStart)
	end, _ := time.Parse(attest.DateLayout, r.PeriodEnd)
	name := report.Filename
	if strings.TrimSpace(name) == "" {
		name = "report.pdf"
	}
	return s.Evidence.Add(ctx, evidence.New{Org: org, Actor: p.Actor(), Kind: attest.KindFile,
		Title:    fmt.Sprintf("%s %s report, %s to %s", v.Name, attest.ReportTypeLabel(r.ReportType), r.PeriodStart, r.PeriodEnd),
		Filename: name, PeriodStart: start, PeriodEnd: end.Add(24*time.Hour - time.Microsecond),
		Notes: "The vendor's assurance report, reviewed in the vendor register.", ControlIDs: ids}, report.Content)
}

// ReviewChange is what may change on a draft review: the opinion and
// exceptions as read, the organization's response, and answers (merged
// into those recorded; an empty answer clears one).
type ReviewChange struct {
	Opinion    *string           `json:"opinion,omitempty"`
	Exceptions *string           `json:"exceptions,omitempty"`
	Response   *string           `json:"response,omitempty"`
	Answers    map[string]string `json:"answers,omitempty"`
}

// UpdateReview changes a draft review; a completed one is ECONFLICT.
func (s *Service) UpdateReview(ctx context.Context, p attest.Principal, reviewID int64, ch ReviewChange) (attest.VendorReview, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.VendorReview{}, err
	}
	var r attest.VendorReview
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if r, err = tx.VendorReview(ctx, p.OrgID, reviewID); err != nil {
			return err
		}
		if r.State != attest.ReviewDraft {
			return attest.Errorf(attest.ECONFLICT, "the review was completed on %s and no longer changes", r.CompletedOn)
		}
		if ch.Opinion != nil {
			r.Opinion = *ch.Opinion
		}
		if ch.Exceptions != nil {
			r.Exceptions = *ch.Exceptions
		}
		if ch.Response != nil {
			r.Response = *ch.Response
		}
		if r.Answers == nil {
			r.Answers = map[string]string{}
		}
		for k, a := range ch.Answers {
			r.Answers[k] = a
		}
		if err := attest.ValidateVendorReview(&r); err != nil {
			return err
		}
		if err := tx.UpdateVendorReview(ctx, &r); err != nil {
			return err
		}
		v, err := tx.Vendor(ctx, p.OrgID, r.VendorID)
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("vendor.review_updated", "vendor", idString(v.ID), "Updated the draft review of "+v.Name))
	})
	return r, err
}

// Complete approves a draft review with its conclusion: p is the reviewer.
// A qualified or adverse opinion, or a disclaimer, needs the organization's
// response first. The review becomes a ledger record and never changes.
func (s *Service) Complete(ctx context.Context, p attest.Principal, reviewID int64, conclusion string) (attest.VendorReview, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.VendorReview{}, err
	}
	var r attest.VendorReview
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if r, err = tx.VendorReview(ctx, p.OrgID, reviewID); err != nil {
			return err
		}
		if r.State != attest.ReviewDraft {
			return attest.Errorf(attest.ECONFLICT, "the review was already completed on %s", r.CompletedOn)
		}
		if r.Conclusion = strings.TrimSpace(conclusion); r.Conclusion == "" {
			return attest.Invalid("conclusion", "is required: say whether the vendor may still be relied on, and on what terms")
		}
		if r.NeedsResponse() {
			return attest.Invalid("response", "is required first: the report's opinion is %s; record what the organization does about it", r.Opinion)
		}
		v, err := tx.Vendor(ctx, p.OrgID, r.VendorID)
		if err != nil {
			return err
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		cuecs, err := tx.VendorCUECs(ctx, p.OrgID, v.ID)
		if err != nil {
			return err
		}
		descs := []string{}
		for _, c := range cuecs {
			if c.ReviewID == r.ID {
				descs = append(descs, c.Description)
			}
		}
		sha := ""
		if r.ReportID != 0 {
			ev, err := tx.Evidence(ctx, p.OrgID, r.ReportID)
			if err != nil {
				return err
			}
			sha = ev.SHA256
		}
		now := tx.Now()
		r.State, r.ReviewerID, r.CompletedOn = attest.ReviewCompleted, p.UserID, attest.Today(now)
		if err := tx.UpdateVendorReview(ctx, &r); err != nil {
			return err
		}
		answers := map[string]string{}
		for k, a := range r.Answers {
			answers[k] = a
		}
		rec := map[string]any{"type": ledger.RecordTypeVendorReview, "org": org.Slug, "uid": r.UID, "vendor": v.Name,
			"criticality": v.Criticality, "report": r.ReportUID, "report_sha256": sha, "report_type": r.ReportType,
			"period_start": r.PeriodStart, "period_end": r.PeriodEnd, "opinion": r.Opinion, "exceptions": r.Exceptions,
			"response": r.Response, "answers": answers, "cuecs": descs, "conclusion": r.Conclusion, "reviewer": p.Label,
			"completed_at": ledger.FormatTime(now)}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeVendorReview, r.UID, rec); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("vendor.review_completed", "vendor", idString(v.ID),
			fmt.Sprintf("Approved the review of %s: %s", v.Name, r.Conclusion)))
	})
	if err != nil {
		return r, err
	}
	return s.DB.VendorReview(ctx, p.OrgID, r.ID)
}

// AddCUEC adds a complementary user entity control a review's report asks
// of the organization to the vendor's checklist.
func (s *Service) AddCUEC(ctx context.Context, p attest.Principal, reviewID int64, c attest.VendorCUEC) (attest.VendorCUEC, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return c, err
	}
	c.ID, c.OrgID, c.ReviewID, c.Done, c.DoneOn = 0, p.OrgID, reviewID, false, ""
	if err := attest.ValidateVendorCUEC(&c); err != nil {
		return c, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := checkMember(ctx, tx, p.OrgID, c.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.AddVendorCUEC(ctx, &c); err != nil {
			return err
		}
		v, err := tx.Vendor(ctx, p.OrgID, c.VendorID)
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("vendor.cuec_added", "vendor", idString(v.ID),
			fmt.Sprintf("Added to the checklist of %s: %s", v.Name, c.Description)))
	})
	if err != nil {
		return c, err
	}
	return s.DB.VendorCUEC(ctx, p.OrgID, c.ID)
}

// CUECChange is what may change on a checklist item.
type CUECChange struct {
	OwnerID *int64  `json:"owner_id,omitempty"`
	DueOn   *string `json:"due_on,omitempty"`
	Done    *bool   `json:"done,omitempty"`
}

// UpdateCUEC changes a checklist item's owner, due day or state.
func (s *Service) UpdateCUEC(ctx context.Context, p attest.Principal, id int64, ch CUECChange) (attest.VendorCUEC, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.VendorCUEC{}, err
	}
	var c attest.VendorCUEC
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if c, err = tx.VendorCUEC(ctx, p.OrgID, id); err != nil {
			return err
		}
		var what []string
		if ch.OwnerID != nil && *ch.OwnerID != c.OwnerID {
			if err := checkMember(ctx, tx, p.OrgID, *ch.OwnerID, "owner"); err != nil {
				return err
			}
			c.OwnerID = *ch.OwnerID
			what = append(what, "owner changed")
		}
		if ch.DueOn != nil && *ch.DueOn != c.DueOn {
			c.DueOn = strings.TrimSpace(*ch.DueOn)
			what = append(what, "due "+orNone(c.DueOn))
		}
		if ch.Done != nil && *ch.Done != c.Done {
			c.Done, c.DoneOn = *ch.Done, ""
			if c.Done {
				c.DoneOn = attest.Today(tx.Now())
				what = append(what, "done")
			} else {
				what = append(what, "reopened")
			}
		}
		if len(what) == 0 {
			return nil
		}
		if err := tx.UpdateVendorCUEC(ctx, &c); err != nil {
			return err
		}
		v, err := tx.Vendor(ctx, p.OrgID, c.VendorID)
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("vendor.cuec_updated", "vendor", idString(v.ID),
			fmt.Sprintf("Checklist of %s: %s (%s)", v.Name, c.Description, strings.Join(what, ", "))))
	})
	if err != nil {
		return c, err
	}
	return s.DB.VendorCUEC(ctx, p.OrgID, id)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// LinkSubservice names the vendor record of a subservice organization in
// scope; vendorID 0 removes the link.
func (s *Service) LinkSubservice(ctx context.Context, p attest.Principal, subserviceID, vendorID int64) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.LinkSubservice(ctx, p.OrgID, subserviceID, vendorID); err != nil {
			return err
		}
		summary := "Unlinked a subservice organization from its vendor record"
		if vendorID != 0 {
			v, err := tx.Vendor(ctx, p.OrgID, vendorID)
			if err != nil {
				return err
			}
			summary = "Linked a subservice organization to the vendor " + v.Name
		}
		return tx.Log(ctx, p.Record("scope.subservice_linked", "subservice", idString(subserviceID), summary))
	})
}

// Subprocessors are the vendors that process customer or personal data,
// by name: the subprocessor list.
func (s *Service) Subprocessors(ctx context.Context, p attest.Principal) ([]attest.Vendor, error) {
	all, err := s.List(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []attest.Vendor
	for _, v := range all {
		if v.Subprocessor() {
			out = append(out, v)
		}
	}
	return out, nil
}

// History is the vendor's activity, newest first: every change to it, its
// reviews and its checklist.
func (s *Service) History(ctx context.Context, p attest.Principal, id int64) ([]attest.Activity, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	acts, err := s.DB.Activity(ctx, p.OrgID, attest.ActivityFilter{RecordType: "vendor", Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []attest.Activity
	for _, a := range acts {
		if a.RecordID == idString(id) {
			out = append(out, a)
		}
	}
	return out, nil
}
