package server

import (
	"context"
	"net/url"
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/media"
)

// Insight is what the insight routes need from the catalog.
type Insight interface {
	Perception(ctx context.Context, from, to string) (media.Perception, error)
	Alerts(ctx context.Context, threshold, scale float64) ([]media.Alert, error)
	Products(ctx context.Context) ([]media.ProductSummary, error)
	ProductPack(ctx context.Context, product, from, to string) (media.ProductPack, error)
	MarkReviewed(ctx context.Context, actor, product string) error
}

var (
	monthRE = regexp.MustCompile(`^\d{4}-\d{2}$`)
	dayRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func (s *Server) insight() (Insight, error) {
	if s.cfg.Insight == nil {
		return nil, errorOf(media.EUnavailable, "insight is not configured on this server")
	}
	return s.cfg.Insight, nil
}

func (s *Server) handlePerception(c *fiber.Ctx) error {
	from, to := c.Query("from"), c.Query("to")
	for _, m := range []string{from, to} {
		if m != "" && !monthRE.MatchString(m) {
			return errorOf(media.EInvalid, "from and to are months: YYYY-MM")
		}
	}
	in, err := s.insight()
	if err != nil {
		return err
	}
	p, err := in.Perception(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) handleAlerts(c *fiber.Ctx) error {
	scale, err := strconv.ParseFloat(c.Query("scale", "5"), 64)
	if err != nil || (scale != 5 && scale != 10) {
		return errorOf(media.EInvalid, "scale: want 5 or 10")
	}
	threshold, err := strconv.ParseFloat(c.Query("threshold", "3"), 64)
	if err != nil || threshold <= 0 || threshold > scale {
		return errorOf(media.EInvalid, "threshold: want a number above 0 and at most the scale")
	}
	in, err := s.insight()
	if err != nil {
		return err
	}
	items, err := in.Alerts(c.UserContext(), threshold, scale)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"threshold": threshold, "scale": scale, "items": items})
}

func (s *Server) handleProducts(c *fiber.Ctx) error {
	in, err := s.insight()
	if err != nil {
		return err
	}
	ps, err := in.Products(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func (s *Server) handleProductPack(c *fiber.Ctx) error {
	name, err := pathName(c)
	if err != nil {
		return err
	}
	from, to := c.Query("from"), c.Query("to")
	for _, d := range []string{from, to} {
		if d != "" && !dayRE.MatchString(d) {
			return errorOf(media.EInvalid, "from and to are days: YYYY-MM-DD")
		}
	}
	in, err := s.insight()
	if err != nil {
		return err
	}
	p, err := in.ProductPack(c.UserContext(), name, from, to)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) handleProductReviewed(c *fiber.Ctx) error {
	name, err := pathName(c)
	if err != nil {
		return err
	}
	in, err := s.insight()
	if err != nil {
		return err
	}
	if err := in.MarkReviewed(c.UserContext(), s.actor(c), name); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"product": name, "reviewed": true})
}

// pathName is the :name parameter, unescaped, 1 to 80 characters.
func pathName(c *fiber.Ctx) (string, error) {
	name := utils.CopyString(c.Params("name"))
	if u, err := urlUnescape(name); err == nil {
		name = u
	}
	if name == "" || len([]rune(name)) > 80 {
		return "", errorOf(media.EInvalid, "a product name is 1 to 80 characters")
	}
	return name, nil
}

func urlUnescape(s string) (string, error) { return url.PathUnescape(s) }
