package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// vendorRoutes are the vendor register's pages: the list with its forms,
// a vendor with its reviews and checklist, CSV import and export and the
// subprocessor list.
func (h *Handler) vendorRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/vendors", web.Read, h.vendorsPage),
		route("POST", "/o/{org}/vendors", web.Edit, h.addVendor),
		route("POST", "/o/{org}/vendors/import", web.Edit, h.importVendors),
		route("GET", "/o/{org}/vendors/export", web.Read, h.exportVendors),
		route("GET", "/o/{org}/vendors/subprocessors", web.Read, h.exportSubprocessors),
		route("GET", "/o/{org}/vendors/{id}", web.Read, h.vendorPage),
		route("POST", "/o/{org}/vendors/{id}", web.Edit, h.saveVendor),
		route("POST", "/o/{org}/vendors/{id}/reviews", web.Edit, h.startVendorReview),
		route("POST", "/o/{org}/vendors/{id}/reviews/{review}", web.Edit, h.saveVendorReview),
		route("POST", "/o/{org}/vendors/{id}/reviews/{review}/complete", web.Edit, h.completeVendorReview),
		route("POST", "/o/{org}/vendors/{id}/cuecs", web.Edit, h.addVendorCUEC),
		route("POST", "/o/{org}/vendors/{id}/cuecs/{cuec}", web.Edit, h.saveVendorCUEC),
	}
}

func init() { addDue(vendorsDue) }

// vendorsDue lists vendor reviews due within 30 days or overdue, and open
// checklist items likewise.
func vendorsDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	vs, err := h.Vendors.List(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	soon := attest.AddMonths(today, 1)
	var out []dueItem
	base := "/o/" + c.Org.Slug + "/vendors/"
	for _, v := range vs {
		if due := v.NextReviewDue(); due != "" && due <= soon {
			out = append(out, dueItem{Kind: "Vendor", Title: "Review " + v.Name, Href: base + strconv.FormatInt(v.ID, 10), Due: due, Overdue: due < today})
		}
	}
	cuecs, err := h.DB.VendorCUECs(r.Context(), c.Org.ID, 0)
	if err != nil {
		return nil, err
	}
	for _, cu := range cuecs {
		if !cu.Done && cu.DueOn != "" && cu.DueOn <= soon {
			out = append(out, dueItem{Kind: "Vendor", Title: cu.Description, Href: base + strconv.FormatInt(cu.VendorID, 10) + "#checklist",
				Due: cu.DueOn, Overdue: cu.DueOn < today})
		}
	}
	return out, nil
}

// vendorRow is a vendor as the list shows it.
type vendorRow struct {
	attest.Vendor
	Due          string
	Overdue      bool
	EndingSoon   bool
	Subprocessor bool
}

type vendorsView struct {
	Rows          []vendorRow
	Filter        string // "", "overdue", "critical", "subprocessors"
	Total         int
	Overdue       int
	Criticalities []string
	Statuses      []string
	Data          []string
	Owners        []attest.Membership
	Chosen        map[string]bool // data categories ticked on the form
	Report        *vendors.ImportReport
	ImportError   string
}

func (h *Handler) renderVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v vendorsView, f *web.Form) error {
	ctx := r.Context()
	today := attest.Today(h.Now())
	all, err := h.Vendors.List(ctx, c.P)
	if err != nil {
		return err
	}
	v.Filter, v.Total = r.URL.Query().Get("filter"), len(all)
	for _, vd := range all {
		row := vendorRow{Vendor: vd, Due: vd.NextReviewDue(), Overdue: vd.ReviewOverdueOn(today), EndingSoon: vd.ContractEndingSoon(today),
			Subprocessor: vd.Subprocessor()}
		if row.Overdue {
			v.Overdue++
		}
		switch {
		case v.Filter == "overdue" && !row.Overdue,
			v.Filter == "critical" && !vd.Critical(),
			v.Filter == "subprocessors" && !row.Subprocessor:
			continue
		}
		v.Rows = append(v.Rows, row)
	}
	v.Criticalities, v.Statuses, v.Data = attest.VendorCriticalities, attest.VendorStatuses, attest.VendorData
	if v.Owners, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
		return err
	}
	if f == nil {
		f = vendorForm(attest.Vendor{Criticality: attest.CriticalityMedium, Status: attest.VendorActive, ReviewMonths: attest.DefaultVendorReviewMonths})
	}
	v.Chosen = chosenData(f)
	h.RenderForm(w, r, c, status, "vendors", v, f)
	return nil
}

// vendorFields are the fields of the vendor form.
var vendorFields = []string{"name", "website", "criticality", "services", "location", "contract_start", "contract_end", "owner",
	"review_months", "status", "notes"}

// vendorFromForm reads a vendor's fields from a posted form; data_shared
// is a set of checkboxes.
func vendorFromForm(r *http.Request, v *attest.Vendor) *web.Form {
	f := web.NewForm(r, vendorFields...)
	v.Name, v.Website, v.Criticality, v.Services = f.Values["name"], f.Values["website"], f.Values["criticality"], f.Values["services"]
	v.Location, v.ContractStart, v.ContractEnd = f.Values["location"], f.Values["contract_start"], f.Values["contract_end"]
	v.Status, v.Notes = f.Values["status"], f.Values["notes"]
	v.OwnerID, _ = strconv.ParseInt(f.Values["owner"], 10, 64)
	v.ReviewMonths, _ = strconv.Atoi(strings.TrimSpace(f.Values["review_months"]))
	if f.Values["review_months"] != "" && v.ReviewMonths == 0 {
		v.ReviewMonths = -1 // refused with the field named
	}
	v.DataShared = r.PostForm["data_shared"]
	f.Values["data_shared"] = strings.Join(v.DataShared, ",")
	return f
}

func vendorForm(v attest.Vendor) *web.Form {
	return &web.Form{Errors: map[string]string{}, Values: map[string]string{"name": v.Name, "website": v.Website,
		"criticality": v.Criticality, "services": v.Services, "location": v.Location, "contract_start": v.ContractStart,
		"contract_end": v.ContractEnd, "owner": idOrEmpty(v.OwnerID), "review_months": strconv.Itoa(v.ReviewMonths),
		"status": v.Status, "notes": v.Notes, "data_shared": strings.Join(v.DataShared, ",")}}
}

// pathID reads a numeric path value; one that is not a number names no
// record, so it is not found.
func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return id, nil
}

type vendorView struct {
	vendors.Detail
	Today         string
	Due           string
	Overdue       bool
	EndingSoon    bool
	Draft         *attest.VendorReview // the review in progress, if any
	Questions     []attest.VendorQuestion
	Opinions      []string
	Criticalities []string
	Statuses      []string
	Data          []string
	Owners        []attest.Membership
	History       []attest.Activity
	ReviewForm    *web.Form
	DraftForm     *web.Form
	CUECForm      *web.Form
	Chosen        map[string]bool
}

func chosenData(f *web.Form) map[string]bool {
	out := map[string]bool{}
	for _, d := range strings.Split(f.Values["data_shared"], ",") {
		out[d] = true
	}
	return out
}

// renderVendor shows a vendor; the forms that failed carry their errors.
func (h *Handler) renderVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, id int64, v vendorView, f *web.Form) error {
	ctx := r.Context()
	var err error
	if v.Detail, err = h.Vendors.Get(ctx, c.P, id); err != nil {
		return err
	}
	v.Today = attest.Today(h.Now())
	v.Due, v.Overdue, v.EndingSoon = v.Vendor.NextReviewDue(), v.Vendor.ReviewOverdueOn(v.Today), v.Vendor.ContractEndingSoon(v.Today)
	for i := range v.Reviews {
		if v.Reviews[i].State == attest.ReviewDraft && v.Draft == nil {
			v.Draft = &v.Reviews[i]
		}
	}
	v.Questions, v.Opinions = attest.VendorQuestions, attest.VendorOpinions
	v.Criticalities, v.Statuses, v.Data = attest.VendorCriticalities, attest.VendorStatuses, attest.VendorData
	if v.Owners, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
		return err
	}
	if v.History, err = h.Vendors.History(ctx, c.P, id); err != nil {
		return err
	}
	empty := func() *web.Form { return &web.Form{Values: map[string]string{}, Errors: map[string]string{}} }
	if f == nil {
		f = vendorForm(v.Vendor)
	}
	if v.ReviewForm == nil {
		v.ReviewForm = empty()
		v.ReviewForm.Values["report_type"] = attest.ReportType2
	}
	if v.DraftForm == nil {
		v.DraftForm = empty()
		if v.Draft != nil {
			v.DraftForm.Values["response"] = v.Draft.Response
			for k, a := range v.Draft.Answers {
				v.DraftForm.Values["answer_"+k] = a
			}
		}
	}
	if v.CUECForm == nil {
		v.CUECForm = empty()
	}
	v.Chosen = chosenData(f)
	h.RenderForm(w, r, c, status, "vendor", v, f)
	return nil
}
