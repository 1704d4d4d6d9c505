package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// watchChecklists tells the owners of open checklist steps of their
// deadline: when it is three days away, and again once it has passed (the
// channels told of checklists hear of overdue steps). A step owned by the
// people team goes to the organization's admins and managers. Each is
// announced once per person, step and due day.
func (s *Service) watchChecklists(ctx context.Context, w *watcher, today string) error {
	if s.Checklists == nil {
		return nil
	}
	lists, err := s.Checklists(ctx, w.org.ID, today)
	if err != nil || len(lists) == 0 {
		return err
	}
	people, err := s.DB.People(ctx, w.org.ID, store.PeopleFilter{})
	if err != nil {
		return err
	}
	userOf := map[int64]int64{}
	for _, p := range people {
		userOf[p.ID] = p.UserID
	}
	t, err := time.Parse(attest.DateLayout, today)
	if err != nil {
		return err
	}
	soon := attest.Today(t.AddDate(0, 0, 3))
	for _, cl := range lists {
		link := w.link("/people/checklists#person-%d", cl.Person.ID)
		for _, st := range cl.Steps {
			if st.State == attest.StepDone || st.Due > soon {
				continue
			}
			state, verb := "due", "is due"
			if st.State == attest.StepOverdue {
				state, verb = "overdue", "was due"
			}
			n := attest.Notice{Kind: attest.NoticeChecklist, DedupeKey: fmt.Sprintf("checklist:%d:%d:%s:%s", cl.Person.ID, st.Step.ID, state, st.Due),
				GroupKey: fmt.Sprintf("checklist:%d", cl.Person.ID), Link: link,
				Line: fmt.Sprintf("%s's %s step “%s” %s %s", cl.Person.Name, cl.Kind, st.Step.Title, verb, st.Due)}
			if st.Detail != "" {
				n.Line += " (" + st.Detail + ")"
			}
			for _, u := range owners(w, cl, st, userOf) {
				w.to(u, n)
			}
			if st.State == attest.StepOverdue {
				w.team(n)
			}
		}
	}
	return nil
}

// owners are the members who own a step of a checklist.
func owners(w *watcher, cl attest.Checklist, st attest.StepState, userOf map[int64]int64) []int64 {
	switch st.Step.Owner {
	case attest.OwnerManager:
		return []int64{userOf[cl.Person.ManagerID]}
	case attest.OwnerPerson:
		return []int64{cl.Person.UserID}
	case attest.OwnerMember:
		return []int64{st.Step.OwnerUserID}
	}
	var team []int64
	for id, m := range w.members {
		if m.Role == attest.RoleAdmin || m.Role == attest.RoleManager {
			team = append(team, id)
		}
	}
	slices.Sort(team)
	return team
}
