package api

import (
	"cmp"
	"encoding/base64"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// listPageSize and listPageMax bound the pages of lists a service derives
// whole in memory (the acknowledgements of every policy by every person, the
// roster): what such a list costs the server to derive is spent either way,
// but a page keeps the response, and the client's memory, bounded.
const listPageSize, listPageMax = 500, 5000

// pageKey orders a list's items for paging: by S, then N. Each item of a
// list must have its own.
type pageKey struct {
	S string
	N int64
}

func (a pageKey) compare(b pageKey) int {
	if c := strings.Compare(a.S, b.S); c != 0 {
		return c
	}
	return cmp.Compare(a.N, b.N)
}

// String is the key as a cursor: opaque to clients, and safe in a URL.
func (a pageKey) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(a.N, 10) + ":" + a.S))
}

// parsePageKey reads a cursor String gave; param names it in the error.
func parsePageKey(param, v string) (pageKey, error) {
	bad := attest.Invalid(param, "must be a cursor a previous page gave (got %q)", v)
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return pageKey{}, bad
	}
	n, s, ok := strings.Cut(string(b), ":")
	id, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil {
		return pageKey{}, bad
	}
	return pageKey{S: s, N: id}, nil
}

// keyPage is the page of items after the cursor in q's parameter param: at
// most limit items in the order of their keys, and the cursor of the next
// page ("" when none follows). A cursor is the last key a page held, so items
// added or removed while a client walks the list neither repeat nor shift
// the pages after it, as with the cursors the database pages by.
//
// It keeps only the page being chosen (a heap of limit+1 items), not the
// list: a large organization's acknowledgement rows are 80,000, 16 MB to
// copy, and fifty requests at once copying them took the server to
// gigabytes.
func keyPage[T any](q url.Values, param string, limit int, items iter.Seq[T], key func(T) pageKey) ([]T, string, error) {
	var after *pageKey
	if v := q.Get(param); v != "" {
		k, err := parsePageKey(param, v)
		if err != nil {
			return nil, "", err
		}
		after = &k
	}
	type keyed struct {
		k pageKey
		v T
	}
	// top is a max-heap of the limit+1 smallest keys after the cursor: one
	// more than the page tells whether another follows.
	var top []keyed
	less := func(i, j int) bool { return top[i].k.compare(top[j].k) > 0 } // the largest on top
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(top) {
				return
			}
			if c+1 < len(top) && less(c+1, c) {
				c++
			}
			if !less(c, i) {
				return
			}
			top[i], top[c] = top[c], top[i]
			i = c
		}
	}
	for v := range items {
		k := key(v) // by value: a pointer to v would move every item to the heap
		if after != nil && k.compare(*after) <= 0 {
			continue
		}
		if len(top) <= limit {
			top = append(top, keyed{k, v})
			for i := len(top) - 1; i > 0 && less(i, (i-1)/2); i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
			continue
		}
		if k.compare(top[0].k) < 0 {
			top[0] = keyed{k, v}
			down(0)
		}
	}
	slices.SortFunc(top, func(a, b keyed) int { return a.k.compare(b.k) })
	next := ""
	if len(top) > limit {
		top = top[:limit]
		next = top[limit-1].k.String()
	}
	page := make([]T, len(top))
	for i, kv := range top {
		page[i] = kv.v
	}
	return page, next, nil
}

// writeKeyPage answers a page of items as {name: [...], "next_cursor": …}
// beside what resp already holds (nil: nothing): limit items (listPageSize
// unless asked, up to listPageMax) after the cursor parameter, next_cursor
// only when another page follows.
func writeKeyPage[T any](w http.ResponseWriter, q url.Values, resp map[string]any, name string, items iter.Seq[T], key func(T) pageKey) error {
	limit, err := pageLimit(q, listPageSize, listPageMax)
	if err != nil {
		return err
	}
	page, next, err := keyPage(q, "cursor", limit, items, key)
	if err != nil {
		return err
	}
	if resp == nil {
		resp = map[string]any{}
	}
	resp[name] = page
	if next != "" {
		resp["next_cursor"] = next
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}
