package programme

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/store"
)

// OSCAL writes the organization's programme for one framework in scope as
// an OSCAL document (export/oscal), validated against NIST's schema.
type OSCAL struct {
	DB      *store.DB
	Catalog *catalog.Catalog
	Now     func() time.Time
}

// Document writes kind (oscal.KindComponent or oscal.KindResults) for
// framework ("" is SOC 2). Assessment results cover [from, to] (YYYY-MM-DD;
// the last 90 days when both are empty) and state readiness today.
func (s OSCAL) Document(ctx context.Context, p attest.Principal, kind, framework, from, to string) ([]byte, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	if from == "" && to == "" {
		to, from = attest.Today(now), attest.Today(now.AddDate(0, 0, -90))
	}
	if err := attest.ValidateWindow(from, to); err != nil {
		return nil, err
	}
	a, err := AssessFramework(ctx, &s.DB.Queries, s.Catalog, p.OrgID, framework)
	if err != nil {
		return nil, err
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	src := oscal.Source{Org: org, Framework: a.Framework.ID, FrameworkTitle: a.Framework.Title,
		CatalogHref: "urn:attest:framework:" + a.Framework.ID, Generated: now}
	switch kind {
	case oscal.KindComponent:
		return oscal.ComponentDefinition(src, a.Result)
	case oscal.KindResults:
		start, _ := time.Parse(attest.DateLayout, from)
		end, _ := time.Parse(attest.DateLayout, to)
		return oscal.AssessmentResults(src, a.Result, start, end.Add(24*time.Hour-time.Second))
	}
	return nil, attest.Invalid("document", "want component-definition or assessment-results, got %q", kind)
}
