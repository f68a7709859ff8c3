package media

// Roles a user may have: admins and curators change the library,
// facilitators run workshops.
var Roles = []string{"admin", "curator", "facilitator"}

// User is someone who logs in to curate, facilitate or administer.
// Listeners never have one: they stay anonymous.
type User struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
}

// UserChange is an admin's edit of an account; nil fields stay as they are.
type UserChange struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}
