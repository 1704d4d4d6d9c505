package web_test

import (
	"net/url"
	"testing"

	"github.com/attest-hq/attest/web"
)

func TestPaginate(t *testing.T) {
	items := make([]int, 120)
	for i := range items {
		items[i] = i
	}
	q := url.Values{"state": {"ready"}, "page": {"2"}}
	got, p := web.Paginate(items, q, 50)
	if len(got) != 50 || got[0] != 50 || p.Page != 2 || p.Pages != 3 || p.From != 51 || p.To != 100 || p.Total != 120 {
		t.Fatalf("page 2: %v… %+v", got[:1], p)
	}
	if p.Prev != "?state=ready" || p.Next != "?page=3&state=ready" {
		t.Errorf("links keep the filter: prev %q next %q", p.Prev, p.Next)
	}
	if got, p := web.Paginate(items, url.Values{"page": {"9"}}, 50); len(got) != 20 || p.Page != 3 || p.Next != "" || p.To != 120 {
		t.Errorf("past the end: %d rows, %+v", len(got), p)
	}
	if got, p := web.Paginate(items, url.Values{"page": {"x"}}, 50); len(got) != 50 || p.Page != 1 || p.Prev != "" {
		t.Errorf("not a number: %d rows, %+v", len(got), p)
	}
	if got, p := web.Paginate([]int{}, nil, 50); len(got) != 0 || p.Pages != 1 || p.From != 0 || p.Next != "" {
		t.Errorf("empty: %+v", p)
	}
}
