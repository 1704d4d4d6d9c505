package web

import "github.com/attest-hq/attest"

// PersonJSON is a workforce record as the API serves it and `attest people
// list --json` prints it. State is derived on the day of the answer.
type PersonJSON struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Title          string `json:"title"`
	Department     string `json:"department"`
	ManagerID      int64  `json:"manager_id,omitempty"`
	Manager        string `json:"manager,omitempty"` // the manager's name
	EmploymentType string `json:"employment_type"`
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date,omitempty"`
	State          string `json:"state"` // joining, active or left
	Source         string `json:"source"`
	ExternalID     string `json:"external_id,omitempty"`
	UserID         int64  `json:"user_id,omitempty"` // the member who signs in with this email
	Role           string `json:"role,omitempty"`    // that member's role
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

// ToPersonJSON converts a person to its wire shape, with their state on day
// today (YYYY-MM-DD).
func ToPersonJSON(p attest.Person, today string) PersonJSON {
	return PersonJSON{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Department: p.Department, ManagerID: p.ManagerID,
		Manager: p.ManagerName, EmploymentType: p.EmploymentType, StartDate: p.StartDate, EndDate: p.EndDate, State: p.State(today),
		Source: p.Source, ExternalID: p.ExternalID, UserID: p.UserID, Role: string(p.Role), CreatedAt: RFC3339(p.CreatedAt),
		UpdatedAt: RFC3339(p.UpdatedAt)}
}
