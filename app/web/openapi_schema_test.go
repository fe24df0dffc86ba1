package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ogptracker/ogptracker/app/web"
)

// The API's description validates against the official OpenAPI 3.0 JSON
// Schema (testdata/openapi-3.0), not only against kin-openapi, which is
// lenient about the document itself: code generators, swagger-parser and
// Redocly read it strictly.
func TestTheOpenAPIDocumentIsValidOpenAPI30(t *testing.T) {
	sch := compileOpenAPI30Schema(t)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(web.OpenAPIDocument()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3.0:\n%v", err)
	}
}

// The official schema does not hold every rule of the specification: what
// it cannot say is checked here, as strict readers apply it.
func TestTheOpenAPIDocumentKeepsTheRulesTheSchemaCannotCheck(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(web.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, problem := range openAPIStructureProblems(doc) {
		t.Error(problem)
	}
}

// The checks of TestTheOpenAPIDocumentKeepsTheRulesTheSchemaCannotCheck
// catch the mistakes strict readers reported.
func TestTheOpenAPIStructureChecksCatchWhatStrictReadersRefuse(t *testing.T) {
	broken := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
	  "paths": {
	    "/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
	      "type": "object", "properties": {
	        "x": {"$ref": "#/components/schemas/X", "nullable": true},
	        "y": {"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true}}}}}}}}},
	    "/b": {"patch": {"operationId": "a", "security": [{"bearer": ["milestones:write"]}], "responses": {"401": {"description": "no"}}},
	           "post": {"security": [], "responses": {"401": {"description": "no"}}}}},
	  "components": {"schemas": {"X": {"type": "object"}},
	    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}`
	var doc map[string]any
	if err := json.Unmarshal([]byte(broken), &doc); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(openAPIStructureProblems(doc), "\n")
	for _, want := range []string{
		"no servers",
		"/x: $ref beside nullable",
		"/y: nullable without type",
		"GET /a: no security",
		"operationId a twice",
		"PATCH /b: scopes [milestones:write] for the http scheme bearer",
		"POST /b: no operationId",
		"POST /b: answers 401 but asks for no token",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missed %q in:\n%s", want, got)
		}
	}
}

// openAPIStructureProblems lists what the specification forbids beyond its
// JSON Schema: siblings of $ref (ignored by readers), nullable without type
// (meaningless in 3.0.3), operations that do not declare their security or
// their id, scopes on a scheme that has none, and no servers.
func openAPIStructureProblems(doc map[string]any) []string {
	var problems []string
	if servers, _ := doc["servers"].([]any); len(servers) == 0 {
		problems = append(problems, "no servers")
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["$ref"]; ok {
				for k := range v {
					if k != "$ref" {
						problems = append(problems, path+": $ref beside "+k)
					}
				}
			}
			if _, ok := v["nullable"]; ok {
				if _, typed := v["type"]; !typed {
					problems = append(problems, path+": nullable without type")
				}
			}
			for k, child := range v {
				walk(path+"/"+k, child)
			}
		case []any:
			for _, child := range v {
				walk(path+"/", child)
			}
		}
	}
	walk("", doc)

	schemes := map[string]string{}
	components, _ := doc["components"].(map[string]any)
	securitySchemes, _ := components["securitySchemes"].(map[string]any)
	for name, s := range securitySchemes {
		s, _ := s.(map[string]any)
		schemes[name], _ = s["type"].(string)
	}
	operationIDs := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for method, op := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}, method) {
				continue
			}
			op, _ := op.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			switch {
			case id == "":
				problems = append(problems, where+": no operationId")
			case operationIDs[id]:
				problems = append(problems, "operationId "+id+" twice")
			}
			operationIDs[id] = true
			security, declared := op["security"].([]any)
			if !declared {
				problems = append(problems, where+": no security (security: [] for a public operation)")
				continue
			}
			for _, requirement := range security {
				requirement, _ := requirement.(map[string]any)
				for name, scopes := range requirement {
					typ, known := schemes[name]
					if !known {
						problems = append(problems, where+": unknown security scheme "+name)
					}
					// Only OAuth 2 and OpenID Connect have scopes.
					if scopes, _ := scopes.([]any); len(scopes) > 0 && typ != "oauth2" && typ != "openIdConnect" {
						problems = append(problems, fmt.Sprintf("%s: scopes %v for the %s scheme %s", where, scopes, typ, name))
					}
				}
			}
			responses, _ := op["responses"].(map[string]any)
			if _, guarded := responses["401"]; guarded && len(security) == 0 {
				problems = append(problems, where+": answers 401 but asks for no token")
			}
			if _, guarded := responses["401"]; !guarded && len(security) > 0 {
				problems = append(problems, where+": asks for a token but never answers 401")
			}
		}
	}
	return problems
}

// compileOpenAPI30Schema compiles the official schema under its own id, so
// that its references resolve without the network.
func compileOpenAPI30Schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/openapi-3.0/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schema, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const id = "https://spec.openapis.org/oas/3.0/schema/2021-09-28"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, schema); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}
