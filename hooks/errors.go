package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
)

// FieldError returns a validation error for one field with a message a
// person can act on. Returned from a record validate or request hook,
// PocketBase answers it as a 400 with the message under data.<field>.
func FieldError(field, code, message string) error {
	return validation.Errors{field: validation.NewError("validation_"+code, message)}
}
