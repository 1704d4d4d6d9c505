package ui

import (
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// activityRoutes are the routes of this area, with the access each needs.
func (h *Handler) activityRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/activity", web.Admin, h.activityPage),
		route("GET", "/o/{org}/activity/export", web.Admin, h.exportActivity),
	}
}

type activityView struct {
	Entries []attest.Activity
	Query   url.Values
	Next    string // link to the next (older) page
	Export  string // query string for the export links
}
