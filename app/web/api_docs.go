package web

import (
	_ "embed"

	"github.com/gin-gonic/gin"
)

// openAPIDocument describes every route of the API (OpenAPI 3). It is
// written by hand; TestEveryDocumentedEndpointAnswersAsDocumented checks
// real answers against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument is the API's description, for tests and tools.
func OpenAPIDocument() []byte { return openAPIDocument }

func (s *Server) serveOpenAPI(c *gin.Context) {
	s.sendBytes(c, 200, "application/json", openAPIDocument, "")
}

// apiPage explains the open data and the API to people, in their language.
func (s *Server) apiPage(c *gin.Context) {
	s.render(c, 200, "api/index", struct {
		Page
		BaseURL string
	}{s.page(c), s.baseURL})
}
