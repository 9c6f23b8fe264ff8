package hooks_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"
)

// pocketBaseCodes are the codes of PocketBase's own validation (and of the
// ozzo rules our forms use) that reach a person through the PWA: it words
// them too, never PocketBase's English.
var pocketBaseCodes = []string{
	"validation_required", "validation_nil_or_not_empty_required", "validation_empty",
	"validation_max_text_constraint", "validation_min_text_constraint",
	"validation_length_out_of_range", "validation_length_too_long", "validation_length_too_short",
	"validation_invalid_email", "validation_is_email", "validation_invalid_url", "validation_is_url",
	"validation_invalid_format", "validation_match_invalid", "validation_invalid_value", "validation_in_invalid",
	"validation_values_mismatch", "validation_not_unique", "validation_missing_rel_records",
	"validation_too_many_values", "validation_not_enough_values", "validation_invalid_file",
	"validation_too_many_files", "validation_file_size_limit", "validation_invalid_mime_type",
	"validation_invalid_password", "validation_invalid_old_password",
}

// errorHelpers are the hooks functions that take a code, and which of
// their arguments it is; FieldError's gets PocketBase's prefix.
var errorHelpers = map[string]struct {
	arg    int
	prefix string
}{
	"Err":        {1, ""},
	"FieldError": {1, "validation_"},
	"FormError":  {0, ""},
}

// bypasses are PocketBase's error constructors: an error made with them
// carries no code of ours.
var bypasses = regexp.MustCompile(`^New(\w*Error|ApiError)$`)

var requestErrorMethods = []string{
	"BadRequestError", "NotFoundError", "ForbiddenError", "UnauthorizedError",
	"TooManyRequestsError", "InternalServerError",
}

// serverCodes scans the module's Go sources (tests and testdata aside) for
// the codes the server can send: the literal code of every call of
// hooks.Err, FieldError and FormError, and of validation.NewError. A code
// that is not a literal, or an error made with PocketBase's constructors
// (router.New…Error, e.BadRequestError…) instead of ours, is a failure:
// its code could not be checked.
func serverCodes(t *testing.T) map[string]string {
	t.Helper()
	root := testapp.RepoRoot(t)
	codes := map[string]string{} // code -> where first seen
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inHooks := file.Name.Name == "hooks"
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			where := func() string {
				return rel + ":" + strconv.Itoa(fset.Position(call.Pos()).Line)
			}
			name, pkg := "", ""
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				name = fun.Name
				if inHooks {
					pkg = "hooks"
				}
			case *ast.SelectorExpr:
				name = fun.Sel.Name
				if x, ok := fun.X.(*ast.Ident); ok {
					pkg = x.Name
				}
			}

			if h, ok := errorHelpers[name]; ok && pkg == "hooks" && len(call.Args) > h.arg {
				code, ok := stringLiteral(call.Args[h.arg])
				if !ok {
					t.Errorf("%s: hooks.%s with a code that is not a literal string; the test cannot check its text", where(), name)
					return true
				}
				if _, seen := codes[h.prefix+code]; !seen {
					codes[h.prefix+code] = where()
				}
				return true
			}
			if name == "NewError" && pkg == "validation" && len(call.Args) == 2 {
				code, ok := stringLiteral(call.Args[0])
				if !ok {
					t.Errorf("%s: validation.NewError with a code that is not a literal string", where())
				} else if _, seen := codes[code]; !seen {
					codes[code] = where()
				}
				return true
			}
			if rel == filepath.Join("hooks", "errors.go") {
				return true // the helpers themselves
			}
			if (pkg == "router" || pkg == "apis") && bypasses.MatchString(name) {
				t.Errorf("%s: %s.%s makes an error without a code; use hooks.Err or hooks.FieldError", where(), pkg, name)
			}
			if _, isSel := call.Fun.(*ast.SelectorExpr); isSel && pkg != "router" && pkg != "apis" && pkg != "hooks" &&
				slices.Contains(requestErrorMethods, name) && len(call.Args) == 2 {
				t.Errorf("%s: %s makes an error without a code; use hooks.Err", where(), name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d codes; the scan is broken: %v", len(codes), codes)
	}
	return codes
}

func stringLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// TestEveryCodeHasText fails when the server can send a code (or the PWA
// can meet one of PocketBase's) that the PWA has no text for, in Dutch or
// in English, or when the two languages word different codes.
func TestEveryCodeHasText(t *testing.T) {
	t.Parallel()
	codes := serverCodes(t)
	for _, code := range pocketBaseCodes {
		if _, ours := codes[code]; !ours {
			codes[code] = "PocketBase"
		}
	}
	for _, must := range []string{"validation_sign_in_locked", "tasks_offer_limit", "validation_name_taken"} {
		if codes[must] == "" {
			t.Errorf("the scan missed %s", must)
		}
	}

	perLang := map[string]map[string]bool{}
	for _, lang := range testapp.Languages {
		keys := testapp.I18nKeys(t, lang)
		perLang[lang] = keys
		for code, where := range codes {
			if !keys["errors.codes."+code] {
				t.Errorf("%s.js has no text for the code %s (%s): add errors.codes.%s", lang, code, where, code)
			}
		}
	}
	for _, a := range testapp.Languages {
		for _, b := range testapp.Languages {
			for key := range perLang[a] {
				if strings.HasPrefix(key, "errors.") && !perLang[b][key] {
					t.Errorf("%s.js has %s, %s.js has not", a, key, b)
				}
			}
		}
	}
}

// TestErrorShape checks the JSON PocketBase makes of our errors: a code
// and params in PocketBase's field shape, under the field or under
// "@request", and the Dutch message.
func TestErrorShape(t *testing.T) {
	t.Parallel()
	type entry struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Params  map[string]any `json:"params"`
	}
	decode := func(t *testing.T, err error) (int, string, map[string]entry) {
		t.Helper()
		raw, jerr := json.Marshal(router.ToApiError(err))
		if jerr != nil {
			t.Fatal(jerr)
		}
		var body struct {
			Status  int              `json:"status"`
			Message string           `json:"message"`
			Data    map[string]entry `json:"data"`
		}
		if jerr := json.Unmarshal(raw, &body); jerr != nil {
			t.Fatalf("%s does not decode as fields: %v", raw, jerr)
		}
		return body.Status, body.Message, body.Data
	}

	status, message, data := decode(t, hooks.Err(http.StatusTooManyRequests, "tasks_offer_limit", hooks.Params{"max": 10}, "Te veel."))
	if status != 429 || message != "Te veel." || data[hooks.RequestKey].Code != "tasks_offer_limit" ||
		data[hooks.RequestKey].Params["max"] != float64(10) || len(data) != 1 {
		t.Errorf("Err: %d %q %+v", status, message, data)
	}

	// a field error keeps PocketBase's field shape; its message is not a
	// template, whatever a colleague typed into it
	err := hooks.FieldError("title", "too_long", "Te lang: {{.max}", hooks.Params{"max": 200})
	status, _, data = decode(t, err)
	if status != 400 || data["title"].Code != "validation_too_long" || data["title"].Params["max"] != float64(200) ||
		data["title"].Message != "Te lang: {{.max}." || len(data) != 1 {
		t.Errorf("FieldError: %d %+v", status, data)
	}
	var errs validation.Errors
	if !errors.As(err, &errs) || errs["title"] == nil {
		t.Errorf("FieldError is not validation.Errors to Go callers: %v", err)
	}

	status, _, data = decode(t, hooks.FieldError("identity", "sign_in_locked", "Wacht.", hooks.Params{"minutes": 3}).WithStatus(429))
	if status != 429 || data["identity"].Code != "validation_sign_in_locked" || data["identity"].Params["minutes"] != float64(3) {
		t.Errorf("WithStatus: %d %+v", status, data)
	}

	form := validation.Errors{"team": validation.NewError("validation_required", "Kies een team.")}
	status, _, data = decode(t, hooks.FormError("tasks_distribute_invalid", "Controleer.", form))
	if status != 400 || data[hooks.RequestKey].Code != "tasks_distribute_invalid" || data["team"].Code != "validation_required" {
		t.Errorf("FormError: %d %+v", status, data)
	}
	if code, _ := hooks.CodeOf(wrapped(form)); code != "validation_required" {
		t.Errorf("CodeOf PocketBase's validation: %q", code)
	}
}

func wrapped(err error) error { return errors.Join(errors.New("saving"), err) }
