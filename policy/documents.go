package policy

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/doc"
)

// Document is one policy ready to export: the published version, or the
// newest while none is published (its status says so on every page), with
// the policy's whole history.
func (s *Service) Document(ctx context.Context, p attest.Principal, key string) (doc.Set, error) {
	pol, versions, err := s.GetByKey(ctx, p, key)
	if err != nil {
		return doc.Set{}, err
	}
	if len(versions) == 0 {
		return doc.Set{}, attest.Errorf(attest.ENOTFOUND, "%s has no text yet", pol.Title)
	}
	d := doc.Document{Policy: pol, Version: versions[0], History: versions}
	if pol.Published != nil {
		for _, v := range versions {
			if v.ID == pol.Published.ID {
				d.Version = v
			}
		}
	}
	return s.set(ctx, p, []doc.Document{d})
}

// PublishedSet is every policy in force: its published version, by title.
// Retired policies and policies never published are left out.
func (s *Service) PublishedSet(ctx context.Context, p attest.Principal) (doc.Set, error) {
	list, err := s.List(ctx, p)
	if err != nil {
		return doc.Set{}, err
	}
	var docs []doc.Document
	for _, pol := range list {
		if pol.Retired || pol.Published == nil {
			continue
		}
		versions, err := s.DB.PolicyVersions(ctx, p.OrgID, pol.ID)
		if err != nil {
			return doc.Set{}, err
		}
		for _, v := range versions {
			if v.ID == pol.Published.ID {
				docs = append(docs, doc.Document{Policy: pol, Version: v, History: versions})
			}
		}
	}
	if len(docs) == 0 {
		return doc.Set{}, attest.Errorf(attest.ENOTFOUND, "no policy is published yet")
	}
	return s.set(ctx, p, docs)
}

func (s *Service) set(ctx context.Context, p attest.Principal, docs []doc.Document) (doc.Set, error) {
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return doc.Set{}, err
	}
	return doc.Set{Org: org.Name, Generated: s.DB.Now(), Docs: docs}, nil
}
