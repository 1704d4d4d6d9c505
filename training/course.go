package training

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/policy/templates"
)

// Course is the built-in security awareness course: pages to read and a
// quiz to pass. Hash is the hex SHA-256 of the course file, named by every
// completion's ledger record, so a completion says which text was taken.
type Course struct {
	Key       string     `yaml:"key" json:"key"`
	Title     string     `yaml:"title" json:"title"`
	PassMark  int        `yaml:"pass_mark" json:"pass_mark"` // percent of the questions answered right
	Pages     []Page     `yaml:"pages" json:"pages"`
	Questions []Question `yaml:"questions" json:"questions"`
	Hash      string     `yaml:"-" json:"hash"`
}

// Page is one page of the course, in Markdown, and as sanitized HTML.
type Page struct {
	Title string        `yaml:"title" json:"title"`
	Body  string        `yaml:"body" json:"body"`
	HTML  template.HTML `yaml:"-" json:"-"`
}

// Question is a quiz question with its choices; Answer (the index of the
// right choice) is not shown.
type Question struct {
	Question string   `yaml:"question" json:"question"`
	Choices  []string `yaml:"choices" json:"choices"`
	Answer   int      `yaml:"answer" json:"-"`
}

// LoadCourse reads and checks the built-in course. It is read once per
// process (which may build the services more than once, as tests do) and
// shared: callers only read it.
func LoadCourse() (Course, error) { return builtinCourse() }

var builtinCourse = sync.OnceValues(func() (Course, error) {
	data, err := fs.ReadFile(catalog.TrainingFiles, "training/security-awareness.yaml")
	if err != nil {
		return Course{}, err
	}
	return ParseCourse(data)
})

// ParseCourse parses a course file and checks it: a key and title, a pass
// mark between 1 and 100, pages with text, and questions whose answer is one
// of their choices.
func ParseCourse(data []byte) (Course, error) {
	var c Course
	if err := yaml.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("course: %w", err)
	}
	switch {
	case c.Key == "" || c.Title == "":
		return c, fmt.Errorf("course: a key and a title are required")
	case c.PassMark < 1 || c.PassMark > 100:
		return c, fmt.Errorf("course %s: pass_mark must be between 1 and 100 (got %d)", c.Key, c.PassMark)
	case len(c.Pages) == 0 || len(c.Questions) == 0:
		return c, fmt.Errorf("course %s: pages and questions are required", c.Key)
	}
	for i := range c.Pages {
		pg := &c.Pages[i]
		if strings.TrimSpace(pg.Title) == "" || strings.TrimSpace(pg.Body) == "" {
			return c, fmt.Errorf("course %s: page %d needs a title and a body", c.Key, i+1)
		}
		html, err := templates.HTML(pg.Body)
		if err != nil {
			return c, fmt.Errorf("course %s: page %d: %w", c.Key, i+1, err)
		}
		pg.HTML = template.HTML(html)
	}
	for i, q := range c.Questions {
		if strings.TrimSpace(q.Question) == "" || len(q.Choices) < 2 || q.Answer < 0 || q.Answer >= len(q.Choices) {
			return c, fmt.Errorf("course %s: question %d needs a question, two choices or more and an answer among them", c.Key, i+1)
		}
	}
	sum := sha256.Sum256(data)
	c.Hash = hex.EncodeToString(sum[:])
	return c, nil
}

// Score is the percent of questions answered right; answers holds the index
// of the choice picked for each question.
func (c Course) Score(answers []int) int {
	right := 0
	for i, q := range c.Questions {
		if i < len(answers) && answers[i] == q.Answer {
			right++
		}
	}
	return right * 100 / len(c.Questions)
}
