package programme_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// tinyLib is a CISO Assistant library with the given requirement nodes.
func tinyLib(version string, nodes ...string) []byte {
	return []byte(`urn: urn:test:risk:library:tiny
ref_id: tiny
name: Tiny library
version: ` + version + `
objects:
  framework:
    urn: urn:test:risk:framework:tiny
    ref_id: tiny
    name: Tiny framework
    requirement_nodes:
` + strings.Join(nodes, ""))
}

func node(ref string) string {
	return "      - {urn: 'urn:test:n:" + ref + "', ref_id: '" + ref + "', name: 'Requirement " + ref + "', assessable: true}\n"
}

func TestImportedMarksAreStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		lib := tinyLib("1", node("A"), "      - {urn: 'urn:test:n:art-5', description: 'Data shall be kept safe. More.', assessable: true}\n")
		if _, err := f.frameworks.Import(ctx, f.mgr, "tiny.yaml", lib); err != nil {
			t.Fatal(err)
		}
		oscal := []byte(`{"catalog": {"uuid": "0b6e3c44-7d2a-4f0e-9a51-3c2f6d8e1a11",
  "metadata": {"title": "W", "last-modified": "2025-01-31T12:00:00Z", "version": "1", "oscal-version": "1.2.1"},
  "controls": [{"id": "c-1", "title": "Live"},
    {"id": "c-2", "title": "Gone", "props": [{"name": "status", "value": "withdrawn"}],
     "links": [{"href": "#c-1", "rel": "incorporated-into"}]}]}}`)
		if _, err := f.frameworks.Import(ctx, f.mgr, "w.json", oscal); err != nil {
			t.Fatal(err)
		}
		_, fw, err := db.ImportedFramework(ctx, f.a.ID, "tiny")
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := fw.Requirement("art-5"); r.Title != "Data shall be kept safe." || !r.TitleDerived {
			t.Errorf("art-5 = %+v; want its derived title, marked", r)
		}
		if r, _ := fw.Requirement("A"); r.TitleDerived {
			t.Errorf("A = %+v; its title is its name", r)
		}
		_, w, err := db.ImportedFramework(ctx, f.a.ID, "w")
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := w.Requirement("c-2"); !r.Withdrawn || r.Assessable || !reflect.DeepEqual(r.MovedTo, []string{"c-1"}) {
			t.Errorf("c-2 = %+v; want withdrawn, moved to c-1", r)
		}
		if r, _ := w.Requirement("c-1"); r.Withdrawn || !r.Assessable || r.MovedTo != nil {
			t.Errorf("c-1 = %+v", r)
		}
	})
}

func TestFrameworksReplace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.frameworks
		_, err := s.Replace(ctx, f.aud, "", "tiny.yaml", tinyLib("1", node("A"), node("B")))
		code(t, err, attest.EFORBIDDEN, "auditor replacing")

		// Nothing to replace: a plain import.
		got, err := s.Replace(ctx, f.mgr, "", "tiny.yaml", tinyLib("1", node("A"), node("B"), node("C")))
		if err != nil || got.Replaced || got.Key != "tiny" || got.Count != 3 {
			t.Fatalf("first replace: %+v, %v", got, err)
		}
		if a := f.last(f.a.ID); a.Action != "framework.imported" {
			t.Fatalf("activity %+v", a)
		}
		c1, _ := f.controls.Create(ctx, f.mgr, custom("CUS-1"), nil)
		c2, _ := f.controls.Create(ctx, f.mgr, custom("CUS-2"), nil)
		for _, m := range []struct {
			id  int64
			req string
		}{{c1.ID, "A"}, {c1.ID, "B"}, {c2.ID, "B"}, {c2.ID, "C"}} {
			if _, err := f.controls.Map(ctx, f.mgr, m.id, "tiny", m.req, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Org B's framework of the same key is not touched.
		if _, err := s.Import(ctx, f.bMgr, "tiny.yaml", tinyLib("1", node("B"))); err != nil {
			t.Fatal(err)
		}

		// A refused file changes nothing.
		_, err = s.Replace(ctx, f.mgr, "", "tiny.yaml", tinyLib("2", "      - {depth: 1}\n"))
		var ie *importer.Error
		if !errors.As(err, &ie) {
			t.Fatalf("defective replacement: %v", err)
		}
		if meta, _, err := db.ImportedFramework(ctx, f.a.ID, "tiny"); err != nil || meta.Version != "1" || meta.Count != 3 {
			t.Fatalf("after a refused replacement: %+v, %v", meta, err)
		}

		// The page's Replace names the framework it replaces; another
		// framework's file is refused.
		_, err = s.Replace(ctx, f.mgr, "other", "tiny.yaml", tinyLib("2", node("A")))
		if attest.ErrorField(err) != "file" {
			t.Fatalf("replacing another key: %v", err)
		}

		// B goes, D arrives: mappings to A and C stay, both to B go.
		got, err = s.Replace(ctx, f.mgr, "tiny", "tiny-v2.yaml", tinyLib("2", node("A"), node("C"), node("D")))
		if err != nil || !got.Replaced || got.Version != "2" || got.Count != 3 || got.KeptMappings != 2 || got.DroppedMappings != 2 {
			t.Fatalf("replace: %+v, %v", got, err)
		}
		a := f.last(f.a.ID)
		if a.Action != "framework.replaced" || a.RecordID != "tiny" || a.ActorID != f.mgr.UserID ||
			!strings.HasPrefix(a.Summary, "Replaced Tiny framework 1 with Tiny framework 2 from tiny-v2.yaml (ciso-assistant, 3 requirements, sha256 ") ||
			!strings.HasSuffix(a.Summary, "; kept 2 mappings, dropped 2 whose requirement is gone") {
			t.Fatalf("activity: %+v", a)
		}
		mapped := func(id int64) []string {
			c, err := db.Control(ctx, f.a.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range c.Mappings {
				if m.Framework == "tiny" {
					out = append(out, m.Requirement)
				}
			}
			return out
		}
		if got1, got2 := mapped(c1.ID), mapped(c2.ID); !reflect.DeepEqual(got1, []string{"A"}) || !reflect.DeepEqual(got2, []string{"C"}) {
			t.Errorf("mappings after replace: %v, %v", got1, got2)
		}
		if meta, fw, err := db.ImportedFramework(ctx, f.a.ID, "tiny"); err != nil || meta.Version != "2" || meta.Filename != "tiny-v2.yaml" || len(fw.Requirements) != 3 {
			t.Fatalf("stored: %+v, %v", meta, err)
		}
		if meta, _, err := db.ImportedFramework(ctx, f.b.ID, "tiny"); err != nil || meta.Version != "1" || meta.Count != 1 {
			t.Fatalf("org B's framework: %+v, %v", meta, err)
		}
		// Import without replace still refuses a second copy.
		_, err = s.Import(ctx, f.mgr, "tiny.yaml", tinyLib("3", node("A")))
		code(t, err, attest.ECONFLICT, "importing again without replace")
	})
}
