package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// checkTrainingCompletion holds a training completion to its kind and date: a
// built-in course passed with a score at or above its pass mark, over the
// course text it names by hash; an external course with its certificate or
// link.
func checkTrainingCompletion(_ string, r BundleRecord) error {
	var t struct {
		UID         *string `json:"uid"`
		Person      string  `json:"person"`
		Kind        string  `json:"kind"`
		Course      string  `json:"course"`
		CourseHash  string  `json:"course_hash"`
		CompletedOn string  `json:"completed_on"`
		Score       *int    `json:"score"`
		PassMark    *int    `json:"pass_mark"`
		Evidence    string  `json:"evidence"`
		Link        string  `json:"link"`
	}
	if err := json.Unmarshal(r.Record, &t); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if t.UID == nil || *t.UID != r.ID || t.Person == "" || t.Course == "" || t.Score == nil || t.PassMark == nil {
		return fmt.Errorf("the record of %s %s does not name its uid, person, course, score and pass_mark", r.Type, r.ID)
	}
	if _, err := time.Parse("2006-01-02", t.CompletedOn); err != nil {
		return fmt.Errorf("training completion %s: completed_on %q is not a date", r.ID, t.CompletedOn)
	}
	switch t.Kind {
	case "builtin":
		if !isHexHash(t.CourseHash) {
			return fmt.Errorf("training completion %s does not name the course it passed by a \"course_hash\" of 64 hex digits", r.ID)
		}
		if *t.PassMark <= 0 || *t.Score < *t.PassMark || *t.Score > 100 {
			return fmt.Errorf("training completion %s: a score of %d%% does not pass a mark of %d%%", r.ID, *t.Score, *t.PassMark)
		}
	case "external":
		if t.Evidence == "" && t.Link == "" {
			return fmt.Errorf("training completion %s of an external course names neither a certificate nor a link", r.ID)
		}
	default:
		return fmt.Errorf("training completion %s: unknown kind %q", r.ID, t.Kind)
	}
	return nil
}
