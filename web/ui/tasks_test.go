package ui_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestEmployeeSeesOnlyOwnWork(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	res := e.Login("employee").Get("/o/alpha")
	for _, hidden := range []string{">Controls<", ">Settings<", ">Activity<", ">Evidence<"} {
		if strings.Contains(res.Text, hidden) {
			t.Errorf("employee navigation shows %s", hidden)
		}
	}
	if !strings.Contains(res.Text, "Your work") || !strings.Contains(res.Text, ">API tokens<") {
		t.Error("employee dashboard lacks their own work area")
	}
	res = e.Login("auditor").Get("/o/alpha")
	if !strings.Contains(res.Text, ">Controls<") || strings.Contains(res.Text, ">Settings<") {
		t.Error("auditor navigation wrong")
	}
}
