package ui

// An invitation link lets its holder join an organization with a role: a new
// person creates an account on the spot; an existing user signs in first.
// Members.Invitation says what the link's page shows (an account.Invited).
