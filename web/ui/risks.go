package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/web"
)

// riskRoutes: the risk register. Readers of the programme see it, its heat
// maps and its assessments; editors add, adopt, score, treat, import and
// submit the annual assessment; the named approver (checked by the service)
// signs off an accepted risk or approves an assessment.
func (h *Handler) riskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/risks", web.Read, h.risksPage),
		route("POST", "/o/{org}/risks", web.Edit, h.createRisk),
		route("POST", "/o/{org}/risks/adopt", web.Edit, h.adoptRisk),
		route("POST", "/o/{org}/risks/import", web.Edit, h.importRisks),
		route("POST", "/o/{org}/risks/scale", web.Admin, h.saveRiskScale),
		route("GET", "/o/{org}/risks/export", web.Read, h.exportRisks),
		route("GET", "/o/{org}/risks/{key}", web.Read, h.riskPage),
		route("POST", "/o/{org}/risks/{key}", web.Edit, h.saveRisk),
		route("POST", "/o/{org}/risks/{key}/controls", web.Edit, h.linkRiskControls),
		route("POST", "/o/{org}/risks/{key}/accept", web.Edit, h.acceptRisk),
		route("POST", "/o/{org}/risks/{key}/approve", web.Work, h.approveRiskAcceptance),
		route("POST", "/o/{org}/risks/{key}/retire", web.Edit, h.retireRisk),
		route("POST", "/o/{org}/risks/{key}/review", web.Edit, h.reviewRisk),
		route("GET", "/o/{org}/risk-assessments", web.Read, h.riskAssessmentsPage),
		route("POST", "/o/{org}/risk-assessments", web.Edit, h.startRiskAssessment),
		route("GET", "/o/{org}/risk-assessments/{key}", web.Read, h.riskAssessmentPage),
		route("POST", "/o/{org}/risk-assessments/{key}/approve", web.Work, h.approveRiskAssessment),
	}
}

func init() { addDue(riskDue) }

// riskDue: open risks whose review is due within 30 days or overdue, and
// acceptances that expired.
func riskDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	reg, err := h.Risks.List(r.Context(), c.P, risk.Filter{})
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for _, x := range reg.Risks {
		href := riskPath(c, x.Ref)
		switch {
		case x.AcceptanceExpiredOn(today):
			out = append(out, dueItem{Kind: "Risk", Title: x.Ref + " " + x.Title + ": acceptance expired", Href: href, Due: x.AcceptExpires, Overdue: true})
		case x.ReviewDueOn(today, 30):
			out = append(out, dueItem{Kind: "Risk", Title: x.Ref + " " + x.Title + ": review", Href: href, Due: x.ReviewDate, Overdue: x.ReviewOverdueOn(today)})
		}
	}
	as, err := h.Risks.Assessments(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	var last attest.RiskAssessment
	for _, a := range as {
		if a.State == attest.AssessmentApproved && a.ApprovedAt.After(last.ApprovedAt) {
			last = a
		}
	}
	if len(reg.All) > 0 {
		base := "/o/" + c.Org.Slug + "/risk-assessments"
		switch {
		case last.ApprovedAt.IsZero():
			out = append(out, dueItem{Kind: "Risk", Title: "Annual risk assessment: none approved yet", Href: base, Due: today, Overdue: true})
		default:
			due := last.ApprovedAt.AddDate(1, 0, 0).Format(attest.DateLayout)
			if due <= addDaysUI(today, 30) {
				out = append(out, dueItem{Kind: "Risk", Title: "Annual risk assessment", Href: base, Due: due, Overdue: due < today})
			}
		}
	}
	return out, nil
}

func addDaysUI(day string, n int) string {
	t, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(attest.DateLayout)
}

// riskPath is the page of a risk.
func riskPath(c *web.Ctx, ref string) string { return "/o/" + c.Org.Slug + "/risks/" + ref }

// heatCell is one cell of a heat map as the template draws it.
type heatCell struct {
	X, Y, Count int
	Fill, Href  string
	Label       string
}

// heatMap is a likelihood × impact grid drawn as SVG.
type heatMap struct {
	Title         string
	Width, Height int
	Cells         []heatCell
	Rows, Cols    []heatAxis
}

type heatAxis struct {
	Pos   int
	Label string
}

var bandFill = map[string]string{attest.BandLow: "#cfe8d5", attest.BandMedium: "#fff1c5", attest.BandHigh: "#ffd8b0", attest.BandCritical: "#f6b8b8"}

const cellSize = 20

// drawHeatMap lays out a heat map: rows from the highest likelihood down,
// columns by impact; each cell links to the list filtered to it.
func drawHeatMap(c *web.Ctx, title string, risks []attest.Risk, scale attest.RiskScale, residual bool) heatMap {
	grid := attest.HeatMap(risks, scale, residual)
	m := heatMap{Title: title}
	const left, top = 12, 2
	for i, row := range grid {
		m.Rows = append(m.Rows, heatAxis{Pos: top + i*cellSize + cellSize/2 + 2, Label: strconv.Itoa(row[0].Likelihood)})
		for j, cell := range row {
			q := url.Values{"likelihood": {strconv.Itoa(cell.Likelihood)}, "impact": {strconv.Itoa(cell.Impact)}}
			if residual {
				q.Set("residual", "1")
			}
			m.Cells = append(m.Cells, heatCell{X: left + j*cellSize, Y: top + i*cellSize, Count: cell.Count, Fill: bandFill[cell.Band],
				Href:  "/o/" + c.Org.Slug + "/risks?" + q.Encode(),
				Label: fmt.Sprintf("Likelihood %d, impact %d (%s): %d risks", cell.Likelihood, cell.Impact, cell.Band, cell.Count)})
		}
	}
	if len(grid) > 0 {
		for j := range grid[0] {
			m.Cols = append(m.Cols, heatAxis{Pos: left + j*cellSize + cellSize/2, Label: strconv.Itoa(j + 1)})
		}
		m.Width, m.Height = left+len(grid[0])*cellSize+2, top+len(grid)*cellSize+12
	}
	return m
}

// riskForm reads a risk's fields from a posted form; a number that does not
// parse is an error on its field.
func riskForm(r *http.Request) (*web.Form, attest.Risk, error) {
	f := web.NewForm(r, "title", "description", "category", "owner", "likelihood", "impact", "residual_likelihood", "residual_impact",
		"treatment", "treatment_note", "review_date", "status", "approver", "accept_expires", "controls")
	x := attest.Risk{Title: f.Values["title"], Description: f.Values["description"], Category: f.Values["category"],
		Treatment: f.Values["treatment"], TreatmentNote: strings.TrimSpace(f.Values["treatment_note"]), ReviewDate: f.Values["review_date"],
		Status: f.Values["status"], AcceptExpires: f.Values["accept_expires"]}
	x.Controls = append(x.Controls, strings.FieldsFunc(f.Values["controls"], func(r rune) bool { return r == ',' || r == ';' || r == ' ' })...)
	x.OwnerID, _ = strconv.ParseInt(f.Values["owner"], 10, 64)
	x.ApproverID, _ = strconv.ParseInt(f.Values["approver"], 10, 64)
	for _, n := range []struct {
		name string
		dst  *int
	}{{"likelihood", &x.Likelihood}, {"impact", &x.Impact}, {"residual_likelihood", &x.ResidualLikelihood}, {"residual_impact", &x.ResidualImpact}} {
		v, err := strconv.Atoi(strings.TrimSpace(f.Values[n.name]))
		if err != nil {
			return f, x, attest.Invalid(n.name, "want a level of the scale")
		}
		*n.dst = v
	}
	return f, x, nil
}

// riskValues fills a form from a stored risk.
func riskValues(x attest.Risk) *web.Form {
	return &web.Form{Errors: map[string]string{}, Values: map[string]string{"title": x.Title, "description": x.Description,
		"category": x.Category, "owner": idOrEmpty(x.OwnerID), "likelihood": strconv.Itoa(x.Likelihood), "impact": strconv.Itoa(x.Impact),
		"residual_likelihood": strconv.Itoa(x.ResidualLikelihood), "residual_impact": strconv.Itoa(x.ResidualImpact),
		"treatment": x.Treatment, "treatment_note": x.TreatmentNote, "review_date": x.ReviewDate, "status": x.Status,
		"approver": idOrEmpty(x.ApproverID), "accept_expires": x.AcceptExpires, "controls": strings.Join(x.Controls, ", ")}}
}

// levels lists 1..n for a scale's select.
func levels(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}
