package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
)

// The vendor register: vendors, their reviews and the checklist of
// complementary user entity controls their reports ask of the organization.

const vendorColumns = `v.id, v.org_id, v.name, v.website, v.criticality, v.data_shared, v.services, v.location, v.contract_start,
v.contract_end, COALESCE(v.owner_id, 0), COALESCE(u.name, ''), v.review_months, v.status, v.notes, v.created_at, v.updated_at,
COALESCE((SELECT MAX(r.completed_on) FROM vendor_reviews r WHERE r.vendor_id = v.id AND r.state = 'completed'), ''),
COALESCE((SELECT r.opinion FROM vendor_reviews r WHERE r.vendor_id = v.id AND r.state = 'completed' ORDER BY r.completed_on DESC, r.id DESC LIMIT 1), '')`

const vendorFrom = ` FROM vendors v LEFT JOIN users u ON u.id = v.owner_id `

func scanVendor(row interface{ Scan(...any) error }, v *attest.Vendor) error {
	var data string
	if err := row.Scan(&v.ID, &v.OrgID, &v.Name, &v.Website, &v.Criticality, &data, &v.Services, &v.Location, &v.ContractStart,
		&v.ContractEnd, &v.OwnerID, &v.OwnerName, &v.ReviewMonths, &v.Status, &v.Notes, &v.CreatedAt, &v.UpdatedAt,
		&v.LastReviewed, &v.LastOpinion); err != nil {
		return err
	}
	v.DataShared = splitList(data)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return nil
}

// Vendors lists the organization's vendors by name, each with the day of
// its newest completed review.
func (q *Queries) Vendors(ctx context.Context, orgID int64) ([]attest.Vendor, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+vendorColumns+vendorFrom+`WHERE v.org_id = $1 ORDER BY LOWER(v.name), v.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("vendors: %w", err)
	}
	defer rows.Close()
	var out []attest.Vendor
	for rows.Next() {
		var v attest.Vendor
		if err := scanVendor(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Vendor returns one of the organization's vendors; another organization's
// is ENOTFOUND.
func (q *Queries) Vendor(ctx context.Context, orgID, id int64) (attest.Vendor, error) {
	var v attest.Vendor
	err := scanVendor(q.q.QueryRowContext(ctx, `SELECT `+vendorColumns+vendorFrom+`WHERE v.org_id = $1 AND v.id = $2`, orgID, id), &v)
	return v, notFound(err, "vendor")
}

// CreateVendor stores a new vendor; a name the organization already has is
// ECONFLICT.
func (q *Queries) CreateVendor(ctx context.Context, v *attest.Vendor) error {
	if err := attest.ValidateVendor(v); err != nil {
		return err
	}
	now := q.now()
	v.CreatedAt, v.UpdatedAt = now, now
	err := q.q.QueryRowContext(ctx, `INSERT INTO vendors (org_id, name, website, criticality, data_shared, services, location,
contract_start, contract_end, owner_id, review_months, status, notes, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		v.OrgID, v.Name, v.Website, v.Criticality, strings.Join(v.DataShared, ","), v.Services, v.Location, v.ContractStart,
		v.ContractEnd, nullID(v.OwnerID), v.ReviewMonths, v.Status, v.Notes, now, now).Scan(&v.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "name", Message: fmt.Sprintf("the organization already has a vendor named %q", v.Name)}
	}
	if err != nil {
		return fmt.Errorf("create vendor: %w", err)
	}
	return nil
}

// UpdateVendor saves a vendor's fields; another organization's is ENOTFOUND.
func (q *Queries) UpdateVendor(ctx context.Context, v *attest.Vendor) error {
	if err := attest.ValidateVendor(v); err != nil {
		return err
	}
	v.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE vendors SET name = $3, website = $4, criticality = $5, data_shared = $6, services = $7,
location = $8, contract_start = $9, contract_end = $10, owner_id = $11, review_months = $12, status = $13, notes = $14, updated_at = $15
WHERE org_id = $1 AND id = $2`, v.OrgID, v.ID, v.Name, v.Website, v.Criticality, strings.Join(v.DataShared, ","), v.Services,
		v.Location, v.ContractStart, v.ContractEnd, nullID(v.OwnerID), v.ReviewMonths, v.Status, v.Notes, v.UpdatedAt)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "name", Message: fmt.Sprintf("the organization already has a vendor named %q", v.Name)}
	}
	if err != nil {
		return fmt.Errorf("update vendor: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "vendor not found")
	}
	return nil
}

const reviewColumns = `r.id, r.uid, r.org_id, r.vendor_id, r.state, COALESCE(r.report_id, 0), COALESCE(e.uid, ''), r.report_type,
r.period_start, r.period_end, r.opinion, r.exceptions, r.response, r.answers, r.conclusion, COALESCE(r.reviewer_id, 0),
COALESCE(u.name, ''), r.completed_on, r.created_at, r.updated_at`

const reviewFrom = ` FROM vendor_reviews r LEFT JOIN users u ON u.id = r.reviewer_id LEFT JOIN evidence e ON e.id = r.report_id `

func scanReview(row interface{ Scan(...any) error }, r *attest.VendorReview) error {
	var answers string
	if err := row.Scan(&r.ID, &r.UID, &r.OrgID, &r.VendorID, &r.State, &r.ReportID, &r.ReportUID, &r.ReportType,
		&r.PeriodStart, &r.PeriodEnd, &r.Opinion, &r.Exceptions, &r.Response, &answers, &r.Conclusion, &r.ReviewerID,
		&r.ReviewerName, &r.CompletedOn, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return fmt.Errorf("vendor review %d answers: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return nil
}

// VendorReviews lists the organization's reviews, newest first; vendorID 0
// lists every vendor's.
func (q *Queries) VendorReviews(ctx context.Context, orgID, vendorID int64) ([]attest.VendorReview, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+reviewColumns+reviewFrom+`WHERE r.org_id = $1 AND ($2 = 0 OR r.vendor_id = $2)
ORDER BY r.created_at DESC, r.id DESC`, orgID, vendorID)
	if err != nil {
		return nil, fmt.Errorf("vendor reviews: %w", err)
	}
	defer rows.Close()
	var out []attest.VendorReview
	for rows.Next() {
		var r attest.VendorReview
		if err := scanReview(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VendorReview returns one review; another organization's is ENOTFOUND.
func (q *Queries) VendorReview(ctx context.Context, orgID, id int64) (attest.VendorReview, error) {
	var r attest.VendorReview
	err := scanReview(q.q.QueryRowContext(ctx, `SELECT `+reviewColumns+reviewFrom+`WHERE r.org_id = $1 AND r.id = $2`, orgID, id), &r)
	return r, notFound(err, "vendor review")
}

// CreateVendorReview stores a new review of one of the organization's
// vendors, naming evidence of the organization as its report.
func (q *Queries) CreateVendorReview(ctx context.Context, r *attest.VendorReview) error {
	if err := q.owns(ctx, "vendors", r.OrgID, r.VendorID, "vendor"); err != nil {
		return err
	}
	if r.ReportID != 0 {
		if err := q.owns(ctx, "evidence", r.OrgID, r.ReportID, "evidence"); err != nil {
			return err
		}
	}
	now := q.now()
	r.CreatedAt, r.UpdatedAt = now, now
	err := q.q.QueryRowContext(ctx, `INSERT INTO vendor_reviews (uid, org_id, vendor_id, state, report_id, report_type, period_start,
period_end, opinion, exceptions, response, answers, conclusion, reviewer_id, completed_on, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		r.UID, r.OrgID, r.VendorID, r.State, nullID(r.ReportID), r.ReportType, r.PeriodStart, r.PeriodEnd, r.Opinion, r.Exceptions,
		r.Response, jsonText(r.Answers), r.Conclusion, nullID(r.ReviewerID), r.CompletedOn, now, now).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create vendor review: %w", err)
	}
	return nil
}

// UpdateVendorReview saves a review's fields; another organization's is
// ENOTFOUND.
func (q *Queries) UpdateVendorReview(ctx context.Context, r *attest.VendorReview) error {
	r.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE vendor_reviews SET state = $3, opinion = $4, exceptions = $5, response = $6, answers = $7,
conclusion = $8, reviewer_id = $9, completed_on = $10, updated_at = $11, period_start = $12, period_end = $13, report_type = $14
WHERE org_id = $1 AND id = $2`, r.OrgID, r.ID, r.State, r.Opinion, r.Exceptions, r.Response, jsonText(r.Answers), r.Conclusion,
		nullID(r.ReviewerID), r.CompletedOn, r.UpdatedAt, r.PeriodStart, r.PeriodEnd, r.ReportType)
	if err != nil {
		return fmt.Errorf("update vendor review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "vendor review not found")
	}
	return nil
}

const cuecColumns = `c.id, c.org_id, c.vendor_id, c.review_id, c.description, COALESCE(c.owner_id, 0), COALESCE(u.name, ''), c.due_on, c.done, c.done_on
FROM vendor_cuecs c LEFT JOIN users u ON u.id = c.owner_id `

func scanVendorCUEC(row interface{ Scan(...any) error }, c *attest.VendorCUEC) error {
	return row.Scan(&c.ID, &c.OrgID, &c.VendorID, &c.ReviewID, &c.Description, &c.OwnerID, &c.OwnerName, &c.DueOn, &c.Done, &c.DoneOn)
}

// VendorCUECs lists the organization's checklist items in the order added;
// vendorID 0 lists every vendor's.
func (q *Queries) VendorCUECs(ctx context.Context, orgID, vendorID int64) ([]attest.VendorCUEC, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+cuecColumns+`WHERE c.org_id = $1 AND ($2 = 0 OR c.vendor_id = $2) ORDER BY c.id`, orgID, vendorID)
	if err != nil {
		return nil, fmt.Errorf("vendor cuecs: %w", err)
	}
	defer rows.Close()
	var out []attest.VendorCUEC
	for rows.Next() {
		var c attest.VendorCUEC
		if err := scanVendorCUEC(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// VendorCUEC returns one checklist item; another organization's is
// ENOTFOUND.
func (q *Queries) VendorCUEC(ctx context.Context, orgID, id int64) (attest.VendorCUEC, error) {
	var c attest.VendorCUEC
	err := scanVendorCUEC(q.q.QueryRowContext(ctx, `SELECT `+cuecColumns+`WHERE c.org_id = $1 AND c.id = $2`, orgID, id), &c)
	return c, notFound(err, "user entity control")
}

// AddVendorCUEC stores a checklist item of one of the organization's
// reviews.
func (q *Queries) AddVendorCUEC(ctx context.Context, c *attest.VendorCUEC) error {
	if err := attest.ValidateVendorCUEC(c); err != nil {
		return err
	}
	r, err := q.VendorReview(ctx, c.OrgID, c.ReviewID)
	if err != nil {
		return err
	}
	c.VendorID = r.VendorID
	return q.q.QueryRowContext(ctx, `INSERT INTO vendor_cuecs (org_id, vendor_id, review_id, description, owner_id, due_on, done, done_on, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.OrgID, c.VendorID, c.ReviewID, c.Description, nullID(c.OwnerID),
		c.DueOn, c.Done, c.DoneOn, q.now()).Scan(&c.ID)
}

// UpdateVendorCUEC saves an item's owner, due day and state; another
// organization's is ENOTFOUND.
func (q *Queries) UpdateVendorCUEC(ctx context.Context, c *attest.VendorCUEC) error {
	if err := attest.ValidateVendorCUEC(c); err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE vendor_cuecs SET description = $3, owner_id = $4, due_on = $5, done = $6, done_on = $7
WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID, c.Description, nullID(c.OwnerID), c.DueOn, c.Done, c.DoneOn)
	if err != nil {
		return fmt.Errorf("update vendor cuec: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "user entity control not found")
	}
	return nil
}

// LinkSubservice names the vendor record of a subservice organization in
// scope (vendorID 0 removes the link); either of another organization is
// ENOTFOUND.
func (q *Queries) LinkSubservice(ctx context.Context, orgID, subserviceID, vendorID int64) error {
	if vendorID != 0 {
		if err := q.owns(ctx, "vendors", orgID, vendorID, "vendor"); err != nil {
			return err
		}
	}
	res, err := q.q.ExecContext(ctx, `UPDATE subservice_orgs SET vendor_id = $3 WHERE org_id = $1 AND id = $2`, orgID, subserviceID, nullID(vendorID))
	if err != nil {
		return fmt.Errorf("link subservice: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "subservice organization not found")
	}
	return nil
}
