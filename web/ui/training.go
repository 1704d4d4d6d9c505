package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/web"
)

// trainingRoutes are security awareness training and background checks: a
// person's own course and quiz, and for those who read the programme,
// everyone's training and checks with the forms that record them.
func (h *Handler) trainingRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/my/training", web.Own, h.myTrainingPage),
		route("POST", "/o/{org}/my/training", web.Work, h.takeTraining),
		route("GET", "/o/{org}/people/training", web.Read, h.trainingPage),
		route("POST", "/o/{org}/people/training", web.Edit, h.recordTraining),
		route("POST", "/o/{org}/people/training/settings", web.Edit, h.saveTrainingSettings),
		route("GET", "/o/{org}/people/background", web.Read, h.backgroundPage),
		route("POST", "/o/{org}/people/background", web.Edit, h.saveBackgroundCheck),
		route("POST", "/o/{org}/people/background/import", web.Edit, h.importBackgroundChecks),
	}
}

func init() { addDue(trainingDue) }

// trainingDue lists people whose training is overdue or due within 30 days,
// and background checks past their deadline.
func trainingDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	rows, err := h.Training.List(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	soon := attest.AddMonths(today, 1)
	var out []dueItem
	base := "/o/" + c.Org.Slug + "/people/"
	for _, row := range rows {
		if row.State != attest.TrainingDone || row.Due <= soon {
			out = append(out, dueItem{Kind: "Training", Title: row.Name, Href: base + strconv.FormatInt(row.PersonID, 10), Due: row.Due, Overdue: row.Overdue()})
		}
	}
	checks, err := h.People.BackgroundChecks(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	for _, row := range checks {
		if row.Overdue {
			out = append(out, dueItem{Kind: "Background check", Title: row.Name, Href: base + strconv.FormatInt(row.PersonID, 10), Due: row.Due, Overdue: true})
		}
	}
	return out, nil
}

type myTrainingView struct {
	training.Mine
	Course training.Course
	Result *training.Result // after the quiz was taken
}

// myTrainingPage is a person's own training: where they stand, the course's
// pages and its quiz.
func (h *Handler) myTrainingPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderMyTraining(w, r, c, http.StatusOK, nil, nil)
}

func (h *Handler) renderMyTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, res *training.Result, f *web.Form) error {
	mine, err := h.Training.Mine(r.Context(), c.P)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "my_training", myTrainingView{Mine: mine, Course: h.Training.Course, Result: res}, f)
	return nil
}

type trainingView struct {
	Rows        []attest.TrainingRow
	Completions []attest.TrainingCompletion
	People      []attest.Person
	Settings    store.PeopleSettings
	Overdue     int
	Course      training.Course
}

// trainingPage shows everyone's training, overdue first, the completions
// recorded, and the forms recording an external course and the deadlines.
func (h *Handler) trainingPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTraining(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	v := trainingView{Course: h.Training.Course}
	var err error
	if v.Rows, err = h.Training.List(ctx, c.P); err != nil {
		return err
	}
	if v.Completions, err = h.Training.Completions(ctx, c.P, 0); err != nil {
		return err
	}
	if v.People, err = h.People.List(ctx, c.P, store.PeopleFilter{}); err != nil {
		return err
	}
	if v.Settings, err = h.People.Settings(ctx, c.P); err != nil {
		return err
	}
	v.Overdue = len(training.Overdue(v.Rows))
	if f == nil {
		f = &web.Form{Values: map[string]string{"completed_on": attest.Today(h.Now())}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "training", v, f)
	return nil
}

type backgroundView struct {
	Rows        []attest.BackgroundRow
	People      []attest.Person
	Statuses    []string
	Overdue     int
	Days        int
	Report      *people.ImportReport
	ImportError string
}

// backgroundPage lists everyone's background check, overdue first, with the
// forms recording one and importing a provider's export.
func (h *Handler) backgroundPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderBackground(w, r, c, http.StatusOK, backgroundView{}, nil)
}

func (h *Handler) renderBackground(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v backgroundView, f *web.Form) error {
	ctx := r.Context()
	var err error
	if v.Rows, err = h.People.BackgroundChecks(ctx, c.P); err != nil {
		return err
	}
	if v.People, err = h.People.List(ctx, c.P, store.PeopleFilter{}); err != nil {
		return err
	}
	set, err := h.People.Settings(ctx, c.P)
	if err != nil {
		return err
	}
	v.Days, v.Statuses = set.BackgroundDays, attest.CheckStatuses()
	for _, row := range v.Rows {
		if row.Overdue {
			v.Overdue++
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"status": attest.CheckClear}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "background", v, f)
	return nil
}
