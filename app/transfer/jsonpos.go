package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// encoding/json names no position for an unknown field or a bad date, and
// only a Go type name for a wrong type. locate walks the document again,
// guided by model.Dataset's fields, to the first value that does not fit.

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate returns the path and byte offset of the first value in data that
// does not fit a model.Dataset, and what is wrong with it; problem is nil
// when everything fits.
func locate(data []byte) (path string, offset int64, problem error) {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	problem = w.value(reflect.TypeFor[model.Dataset](), "")
	return w.path, w.offset, problem
}

type walker struct {
	dec    *json.Decoder
	path   string // where the last token was read
	offset int64
}

// token reads the next token, noting where it was.
func (w *walker) token(path string) (json.Token, error) {
	tok, err := w.dec.Token()
	w.path, w.offset = path, w.dec.InputOffset()
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		w.offset = syntax.Offset
	case err == io.EOF:
		err = errors.New("the document ends too early")
	}
	return tok, err
}

// value reads one value of type t found at path.
func (w *walker) value(t reflect.Type, path string) error {
	tok, err := w.token(path)
	if err != nil || tok == nil { // null leaves any field empty
		return err
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) { // model.Date
		raw := []byte("{}") // an object or array: only its kind matters
		if _, ok := tok.(json.Delim); !ok {
			raw, _ = json.Marshal(tok)
		}
		return reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	}
	switch t.Kind() {
	case reflect.Struct:
		return w.object(tok, t, path, func(key string) (reflect.Type, bool) { return fieldType(t, key) })
	case reflect.Map:
		return w.object(tok, t, path, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice:
		if tok != json.Delim('[') {
			return mismatch(t, tok)
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.token(path)
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return mismatch(t, tok)
		}
	case reflect.Int:
		n, ok := tok.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			return mismatch(t, tok)
		}
	case reflect.Float64:
		n, ok := tok.(json.Number)
		if _, err := n.Float64(); !ok || err != nil {
			return mismatch(t, tok)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return mismatch(t, tok)
		}
	}
	return nil
}

// object reads an object whose keys give their value's type through field.
func (w *walker) object(tok json.Token, t reflect.Type, path string, field func(string) (reflect.Type, bool)) error {
	if tok != json.Delim('{') {
		return mismatch(t, tok)
	}
	for w.dec.More() {
		k, err := w.token(path)
		if err != nil {
			return err
		}
		key := k.(string)
		ft, ok := field(key)
		if !ok {
			return fmt.Errorf("unknown field %q", key)
		}
		if err := w.value(ft, joinPath(path, key)); err != nil {
			return err
		}
	}
	_, err := w.token(path)
	return err
}

// fieldType finds a struct field by its JSON name, ignoring case as
// encoding/json does.
func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && strings.EqualFold(name, key) {
			return f.Type, true
		}
	}
	return nil, false
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mismatch says what kind of value t needs and what was found instead.
func mismatch(t reflect.Type, tok json.Token) error {
	want := map[reflect.Kind]string{reflect.Struct: "an object", reflect.Map: "an object", reflect.Slice: "a list",
		reflect.String: "a string", reflect.Int: "a whole number", reflect.Float64: "a number", reflect.Bool: "true or false"}[t.Kind()]
	found := fmt.Sprintf("%v", tok)
	switch tok {
	case json.Delim('{'):
		found = "an object"
	case json.Delim('['):
		found = "a list"
	}
	if s, ok := tok.(string); ok {
		found = fmt.Sprintf("%q", s)
	}
	return fmt.Errorf("expected %s, found %s", want, found)
}

// pathAt returns the path of the value (or key) in data that holds the byte
// at offset, for problems found in the raw bytes, such as text that is not
// UTF-8, which encoding/json would quietly turn into U+FFFD.
func pathAt(data []byte, offset int64) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		path    string
		array   bool
		index   int
		key     string
		wantKey bool
	}
	stack := []frame{{}} // the document itself: one value at ""
	here := func() string {
		f := &stack[len(stack)-1]
		switch {
		case len(stack) == 1:
			return ""
		case f.array:
			return fmt.Sprintf("%s[%d]", f.path, f.index)
		}
		return joinPath(f.path, f.key)
	}
	done := func() { // a value of the innermost container was read
		f := &stack[len(stack)-1]
		if f.array {
			f.index++
		} else {
			f.wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return here()
		}
		past := dec.InputOffset() > offset
		f := &stack[len(stack)-1]
		switch {
		case !f.array && f.wantKey && len(stack) > 1:
			if tok == json.Delim('}') {
				stack = stack[:len(stack)-1]
				done()
				continue
			}
			f.key, f.wantKey = fmt.Sprint(tok), false
			if past {
				return here()
			}
		case tok == json.Delim('{') || tok == json.Delim('['):
			stack = append(stack, frame{path: here(), array: tok == json.Delim('['), wantKey: true})
		case tok == json.Delim(']') || tok == json.Delim('}'):
			stack = stack[:len(stack)-1]
			done()
		default:
			if past {
				return here()
			}
			done()
		}
	}
}
