package account

// SetPasswordCheck replaces how Users checks a password, so that tests can
// watch how many checks run at once.
func SetPasswordCheck(u *Users, check func(encoded, password string) (bool, error)) { u.check = check }
