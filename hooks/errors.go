package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"
)

// FieldError returns a validation error for one field with a message a
// person can act on. Returned from a record hook or a route, PocketBase
// answers it as a 400 whose message, and data.<field>.message, is that
// sentence. Go callers can still read it as validation.Errors.
func FieldError(field, code, message string) error {
	errs := validation.Errors{field: validation.NewError("validation_"+code, message)}
	return &fieldError{api: router.NewBadRequestError(message, errs), errs: errs}
}

// fieldError is both a PocketBase API error and validation.Errors, so
// errors.As finds whichever the caller looks for.
type fieldError struct {
	api  *router.ApiError
	errs validation.Errors
}

func (e *fieldError) Error() string { return e.api.Message }

func (e *fieldError) Unwrap() []error { return []error{e.api, e.errs} }
