package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// A control's page lists its newest evidence and links the rest: a weekly
// control gathers hundreds of items over the years.
func TestControlPageListsTheNewestEvidence(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := storetest.MustControl(t, e.DB, e.Alpha, "ACC-9", attest.StatusImplemented)
	for i := 1; i <= 25; i++ {
		evidencetest.MustEvidence(t, e.Evidence, e.Alpha, fmt.Sprintf("Item %02d", i), ctl.ID)
	}
	page := e.Login("manager").Get(fmt.Sprintf("/o/alpha/controls/%d", ctl.ID))
	shown := 0
	for i := 1; i <= 25; i++ {
		if strings.Contains(page.Text, fmt.Sprintf(">Item %02d</a>", i)) {
			shown++
			if i <= 5 {
				t.Errorf("Item %02d, among the oldest, is listed", i)
			}
		}
	}
	if shown != 20 || !strings.Contains(page.Text, "The newest 20 of 25.") ||
		!strings.Contains(page.Text, fmt.Sprintf(`href="/o/alpha/evidence?control=%d">All of this control's evidence`, ctl.ID)) {
		t.Errorf("the control's page lists %d items, without the link to the rest", shown)
	}
}
