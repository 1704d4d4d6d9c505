package web

import "testing"

// TestAcceptsGzip reads Accept-Encoding as RFC 9110 says: a coding named
// with a quality above zero, or * when gzip is not refused by name.
func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"GZip"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"br, gzip;q=0.5"}, true},
		{[]string{"gzip ; q=1.0"}, true},
		{[]string{"br", "gzip"}, true}, // two header lines
		{[]string{"*"}, true},
		{[]string{"br, deflate"}, false},
		{[]string{"identity"}, false},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;q=0, *"}, false}, // refused by name, whatever * says
		{[]string{"*", "gzip;q=0"}, false},
		{[]string{"*;q=0"}, false},
		{[]string{"*;q=0, gzip"}, true},
		{[]string{"gzip;q=nonsense"}, false},
		{[]string{"gzipped"}, false},
	} {
		if got := acceptsGzip(c.values); got != c.want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", c.values, got, c.want)
		}
	}
}
