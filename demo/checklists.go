package demo

import (
	"context"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// seedChecklists adopts the default onboarding and offboarding templates,
// applying from four months ago, once, and closes some steps by hand: the
// contractor's laptop and confidentiality agreement, the intern's laptop,
// the leaver's equipment. Account steps are verified from the identity
// providers' collections; the leaver's ownership transfer is left overdue,
// and an account of theirs still active shows on their checklist.
func seedChecklists(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	svc := opts.Checklists
	if svc == nil {
		return nil
	}
	have, err := db.ChecklistTemplates(ctx, org.ID)
	if err != nil || len(have) > 0 {
		return err
	}
	u := users[attest.RoleManager]
	manager := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem}
	since := opts.Now().UTC().AddDate(0, -4, 0).Format(attest.DateLayout)
	if _, err := svc.UseDefaults(ctx, manager, since); err != nil {
		return err
	}
	if _, err := svc.Observe(ctx, org.ID); err != nil {
		return err
	}
	closing := map[string][]string{
		"mei@demo.attest.test":   {"Hand over a managed laptop", "Signed confidentiality agreement"},
		"jonas@demo.attest.test": {"Hand over a managed laptop"},
		"liam@demo.attest.test":  {"Recover the laptop"},
	}
	notes := map[string]string{
		"Hand over a managed laptop":       "Laptop from the IT cupboard, FileVault and screen lock checked in the MDM console",
		"Signed confidentiality agreement": "Signed agreement stored in the contracts folder of the people drive",
		"Recover the laptop":               "Laptop and badge returned on the last day; the laptop was wiped and re-enrolled",
	}
	lists, err := svc.List(ctx, manager)
	if err != nil {
		return err
	}
	for _, cl := range lists {
		for _, st := range cl.Steps {
			for _, prefix := range closing[cl.Person.Email] {
				if st.ByHand() && strings.HasPrefix(st.Step.Title, prefix) {
					if _, err := svc.CloseStep(ctx, manager, cl.Person.ID, st.Step.ID, notes[prefix], nil); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
