package csvfile_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
)

var spec = csvfile.Spec{Columns: []string{"name", "start_date", "title"}, Extra: []string{"id"}, Required: []string{"name"}, MaxSize: 1 << 10, MaxRows: 3}

func read(in string) ([]string, error) {
	r, err := csvfile.Open(strings.NewReader(in), spec)
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		ok, err := r.Next()
		if err != nil {
			return out, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, strings.Join([]string{r.Get("name"), r.Get("start_date"), r.Get("title")}, "|")+"@"+string(rune('0'+r.Line())))
	}
}

func TestReadsRowsWithTheirLines(t *testing.T) {
	got, err := read("\uFEFFName ,Start Date,id\nAda, 2025-01-06 ,1\n\n\"Grace\nHopper\",2024-02-01,2\n")
	if err != nil || strings.Join(got, ";") != "Ada|2025-01-06|@2;Grace\nHopper|2024-02-01|@4" {
		t.Fatalf("rows %q, %v", got, err)
	}
}

func TestRefusesBadFilesNamingTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "is empty",
		"name,salary\n":                       `line 1: unknown column "salary"; the columns are name, start_date, title`,
		"name,Name\n":                         `line 1: column "Name" appears twice`,
		"title\n":                             `line 1: the column "name" is required`,
		"name\n\"open\n":                      "line 2:",
		"name\na\n\"b\"x\n":                   "line 3:",
		"name\na\nb\nc\nd\n":                  "has more than 3 rows",
		"name\n" + strings.Repeat("x\n", 600): "is larger than",
		"name,title\na\n":                     "line 2:", // wrong number of fields
	} {
		_, err := read(in)
		if attest.ErrorField(err) != "file" || !strings.Contains(attest.ErrorMessage(err), want) {
			t.Errorf("%.30q: %v, want %q", in, err, want)
		}
	}
}
