package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The one way a form of the administration saves: load → parse → save →
// respond. An editor says, for one kind of record, how to load it with
// what its form shows, how to read and save the form, how to reload it
// after a conflict and how to show the form; its four handlers (new, edit,
// create, update) are the same for every kind.

// formPage is the page of a form that can show a refused write again.
// adminForm and peopleForm give both methods to the pages embedding them.
type formPage interface {
	// showErrors puts the messages of err's fields on the form, in the
	// page's language.
	showErrors(err error)
	// setVersion is the version of the record the form was made from.
	setVersion(version int)
}

// editor is how the administration changes one kind of record, with F the
// page of its form.
type editor[F formPage] struct {
	// load gives the form of the record id as stored, or of a new record
	// for id 0 (its plan, commitment or agency read from the query or the
	// form); a record that is not there is model.ErrNotFound.
	load func(s *Server, c *gin.Context, id uint) (F, error)
	// save reads the sent form into f, keeping what was typed, and saves
	// it. It gives where the saved record is shown; what does not parse
	// or is not valid is a field error (formErrors, model.FieldErrors).
	save func(s *Server, c *gin.Context, f F) (to string, err error)
	// reload puts on f, after a conflict, the record as saved now and what
	// changed since the form's version; nil for records never in conflict.
	reload func(s *Server, c *gin.Context, f F) error
	// render shows the form.
	render func(s *Server, c *gin.Context, status int, f F)
	// respond answers a saved form; nil: "saved", and to where save said.
	respond func(s *Server, c *gin.Context, f F, to string)
	// next names the step of the setup the saved record was, and its plan,
	// so that the next page offers the following step (setupNext); nil
	// for records outside the setup.
	next func(f F) (step string, planID uint)
}

// form loads the form of the record of the path (id 0 for a new one), or
// has answered.
func (e editor[F]) form(s *Server, c *gin.Context, existing bool) (F, bool) {
	var id uint
	if existing {
		var err error
		if id, err = pathID(c); err != nil {
			s.fail(c, err)
			var none F
			return none, false
		}
	}
	f, err := e.load(s, c, id)
	if err != nil {
		s.fail(c, err)
		return f, false
	}
	return f, true
}

// blank answers the GET of the form of a new record.
func (e editor[F]) blank(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) { e.show(s, c, false) }
}

// edit answers the GET of the form of the record of the path.
func (e editor[F]) edit(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) { e.show(s, c, true) }
}

// create answers the POST of the form of a new record.
func (e editor[F]) create(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) { e.write(s, c, false) }
}

// update answers the POST of the form of the record of the path, which
// carries the version it was made from.
func (e editor[F]) update(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) { e.write(s, c, true) }
}

func (e editor[F]) show(s *Server, c *gin.Context, existing bool) {
	if f, ok := e.form(s, c, existing); ok {
		e.render(s, c, http.StatusOK, f)
	}
}

func (e editor[F]) write(s *Server, c *gin.Context, existing bool) {
	f, ok := e.form(s, c, existing)
	if !ok {
		return
	}
	if existing {
		version, err := formVersion(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.setVersion(version)
	}
	to, err := e.save(s, c, f)
	switch {
	case err == nil && e.respond != nil:
		e.respond(s, c, f, to)
	case err == nil:
		s.flash(c, "flash.saved")
		if e.next != nil {
			step, planID := e.next(f)
			s.flashNext(c, step, planID)
		}
		c.Redirect(http.StatusSeeOther, to)
	case invalid(err):
		f.showErrors(err)
		e.render(s, c, http.StatusUnprocessableEntity, f)
	case errors.Is(err, store.ErrConflict) && e.reload != nil:
		if err := e.reload(s, c, f); err != nil {
			s.fail(c, err)
			return
		}
		e.render(s, c, http.StatusConflict, f)
	default:
		s.fail(c, err)
	}
}

// invalid reports whether err says what is wrong with a form's fields.
func invalid(err error) bool {
	var fe model.FieldErrors
	var found formErrors
	return errors.As(err, &fe) || errors.As(err, &found)
}

// reloaded reads record id as saved now, for the form f of the
// administration's plan data after a conflict, and puts on f what changed
// since the form's version (see Server.conflict).
func reloaded[R any](s *Server, c *gin.Context, f *adminForm, entity model.Entity, id uint,
	find func(context.Context, uint) (*R, error), version func(*R) int) (*R, error) {
	r, err := find(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	return r, s.conflict(c, f, entity, id, f.Version, version(r))
}
