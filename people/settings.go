package people

import (
	"context"
	"fmt"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Settings returns the organization's deadlines for training and
// background checks.
func (s *Service) Settings(ctx context.Context, p attest.Principal) (store.PeopleSettings, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return store.PeopleSettings{}, err
	}
	return s.DB.PeopleSettings(ctx, p.OrgID)
}

// SaveSettings changes the organization's deadlines for training and
// background checks.
func (s *Service) SaveSettings(ctx context.Context, p attest.Principal, set store.PeopleSettings) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		old, err := tx.PeopleSettings(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if err := tx.SavePeopleSettings(ctx, p.OrgID, set); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("people.settings_saved", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Training is due %d days after the start date (was %d); background checks %d days after it (was %d)",
				set.TrainingDays, old.TrainingDays, set.BackgroundDays, old.BackgroundDays)))
	})
}
