package hooks

import (
	"errors"
	"net/http"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Every error the server makes is PocketBase's JSON error whose data holds
// entries of PocketBase's own field shape, {code, message, params}: one
// per field it is about, and for the request as a whole one under
// [RequestKey], which no field can be named. The code is stable and the
// params are the values its text refers to, so a client words the error
// in its reader's language; the message is Dutch, for API users:
//
//	{"status": 429, "message": "Je hebt in korte tijd …",
//	 "data": {"@request": {"code": "tasks_offer_limit", "message": "…", "params": {"max": 30, "minutes": 10}}}}
//
//	{"status": 400, "message": "Er is al een collega met deze naam …",
//	 "data": {"name": {"code": "validation_name_taken", "message": "…"}}}
//
// Every code has a text in the PWA's pb_public/i18n/nl.js and en.js
// (errors.codes.<code>); a test scans the Go sources for the codes passed
// to [Err], [FieldError] and [FormError] and fails on one without.

// RequestKey is the key in data of the entry about the request as a
// whole. PocketBase allows only letters, digits and _ in a field name.
const RequestKey = "@request"

// Params are the values an error's text refers to ({max}, {minutes}…):
// numbers, and names or titles a person recognises, never prose.
type Params = map[string]any

// Error is an API error with a code and params. PocketBase answers it as
// its JSON error (errors.As finds the *router.ApiError inside), and an
// error about a field is validation.Errors to Go callers as well.
type Error struct {
	api    *router.ApiError
	code   string
	params Params
	field  string
	errs   validation.Errors
}

// Err returns an error answered with status and message, with code and
// params in data["@request"]. code is snake_case, prefixed with the
// plugin or concern it belongs to (tasks_offer_limit, realtime_sign_in,
// block_self); it never changes once a client may know it.
func Err(status int, code string, params Params, message string) *Error {
	return newError(status, code, params, message, "", nil)
}

// FieldError returns a 400 about one field with a message a person can act
// on, in data.<field>; its code is "validation_"+code, PocketBase's prefix
// for field errors. Give params for the values the message names.
func FieldError(field, code, message string, params ...Params) *Error {
	var p Params
	if len(params) > 0 {
		p = params[0]
	}
	code = "validation_" + code
	errs := validation.Errors{field: &codedError{code: code, message: message, params: p}}
	return newError(http.StatusBadRequest, code, p, message, field, errs)
}

// FormError returns a 400 with code and message (in data["@request"]) for
// a request body whose fields failed a form's validation (errs, each in
// data.<field> with PocketBase's own code, such as validation_required).
func FormError(code, message string, errs validation.Errors) *Error {
	return newError(http.StatusBadRequest, code, nil, message, "", errs)
}

// WithStatus returns e answered with status instead (a field error that is
// a 429 or a 403).
func (e *Error) WithStatus(status int) *Error {
	return newError(status, e.code, e.params, e.api.Message, e.field, e.errs)
}

func newError(status int, code string, params Params, message, field string, errs validation.Errors) *Error {
	data := validation.Errors{}
	for f, err := range errs {
		data[f] = err
	}
	if field == "" {
		data[RequestKey] = &codedError{code: code, message: message, params: params}
	}
	api := router.NewApiError(status, message, data)
	return &Error{api: api, code: code, params: params, field: field, errs: errs}
}

// Error returns the Dutch message.
func (e *Error) Error() string { return e.api.Message }

// Code returns the stable code the client reads.
func (e *Error) Code() string { return e.code }

// Params returns the values the code's text refers to.
func (e *Error) Params() Params { return e.params }

// Unwrap gives errors.As the API error and, for a field or form error,
// the validation.Errors.
func (e *Error) Unwrap() []error {
	if e.errs != nil {
		return []error{e.api, e.errs}
	}
	return []error{e.api}
}

// codedError is one field's entry: PocketBase writes its code, message
// and params into data.<field>. Unlike ozzo's ErrorObject it never reads
// its message as a template, so a colleague's "{{" in it is just text.
type codedError struct {
	code    string
	message string
	params  Params
}

// codedError is a validation.Error, so Go code that reads a field's code
// the ozzo way keeps working.
var _ validation.Error = (*codedError)(nil)

func (e *codedError) Error() string          { return e.message }
func (e *codedError) Code() string           { return e.code }
func (e *codedError) Message() string        { return e.message }
func (e *codedError) Params() map[string]any { return e.params }

func (e *codedError) SetMessage(message string) validation.Error {
	return &codedError{code: e.code, message: message, params: e.params}
}

func (e *codedError) SetParams(params map[string]any) validation.Error {
	return &codedError{code: e.code, message: e.message, params: params}
}

// CodeOf returns the code and params a client reads from err: ours, or
// the first field error's (by field name) of PocketBase's validation, or
// "" when err carries none.
func CodeOf(err error) (string, Params) {
	var e *Error
	if errors.As(err, &e) {
		return e.code, e.params
	}
	var errs validation.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		return "", nil
	}
	fields := make([]string, 0, len(errs))
	for field := range errs {
		fields = append(fields, field)
	}
	slices.Sort(fields)
	if coded, ok := errs[fields[0]].(router.SafeErrorItem); ok {
		var params Params
		if p, ok := errs[fields[0]].(router.SafeErrorParamsResolver); ok {
			params = p.Params()
		}
		return coded.Code(), params
	}
	return "", nil
}
