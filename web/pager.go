package web

import (
	"net/url"
	"strconv"
)

// Pager is one page of a long list, with links to the pages beside it that
// keep the list's other parameters (filters, sort).
type Pager struct {
	Page, Pages     int // 1-based; Pages is at least 1
	Total, From, To int // items in all, and the 1-based range shown
	Prev, Next      string
	Size            int
}

// PageSize is how many rows a long list shows at once.
const PageSize = 50

// Paginate cuts items to page q["page"] of size rows. A page past the end
// shows the last page, and anything that is not a page number the first:
// a stale link still lands on rows.
func Paginate[T any](items []T, q url.Values, size int) ([]T, Pager) {
	p := PageOf(len(items), q, size)
	return items[p.Offset():p.To], p
}

// PageOf is the pager for page q["page"] of a list of total rows that the
// caller reads a page at a time (from Offset, Size rows), so that a page costs
// what it shows rather than the whole list.
func PageOf(total int, q url.Values, size int) Pager { return PageOfNamed(total, q, size, "page") }

// PaginateNamed is Paginate for one of several lists on a page, each paged
// by its own parameter (param); its links keep the others' pages.
func PaginateNamed[T any](items []T, q url.Values, size int, param string) ([]T, Pager) {
	p := PageOfNamed(len(items), q, size, param)
	return items[p.Offset():p.To], p
}

// PageOfNamed is PageOf with the page number in q[param].
func PageOfNamed(total int, q url.Values, size int, param string) Pager {
	p := Pager{Total: total, Size: size, Pages: max(1, (total+size-1)/size)}
	p.Page, _ = strconv.Atoi(q.Get(param))
	p.Page = min(max(p.Page, 1), p.Pages)
	lo := (p.Page - 1) * size
	hi := min(lo+size, total)
	if total > 0 {
		p.From, p.To = lo+1, hi
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != param {
				v[k] = vs
			}
		}
		if n > 1 {
			v.Set(param, strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "?"
		}
		return "?" + v.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

// At is p with its links on path rather than the page's own address: for a
// page that can be rendered at another address (a refused form's POST).
func (p Pager) At(path string) Pager {
	if p.Prev != "" {
		p.Prev = path + p.Prev
	}
	if p.Next != "" {
		p.Next = path + p.Next
	}
	return p
}

// Offset is how many rows come before the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.Size }
