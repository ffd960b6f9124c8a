package values

import (
	"sort"
	"strconv"
	"strings"
)

// Union is the alias union of the packages added to it: two keys are in
// one class when some assignment, call, return, literal or send in those
// packages may make them hold the same value. It is flow-insensitive (the
// order of statements does not matter) and owned by one caller.
type Union struct {
	parent  map[string]string
	members map[string][]string // by root
	makes   map[string]Make
	added   map[*Package]bool
	loaded  map[string]bool       // the paths of the packages added
	pending map[string][]callEdge // call edges waiting for their callee's package
	dyn     []dynCall             // calls through function values, of every package added
	bound   map[[2]string]bool    // (call's function key, callee) pairs already joined
	derived []derivation          // contexts and their cancel functions, of every package added
	calls   []Call                // calls through function values, of every package added
}

// NewUnion returns an empty union.
func NewUnion() *Union {
	return &Union{parent: make(map[string]string), members: make(map[string][]string),
		makes: make(map[string]Make), added: make(map[*Package]bool),
		loaded: make(map[string]bool), pending: make(map[string][]callEdge), bound: make(map[[2]string]bool)}
}

// Add joins the package's facts into the union, once.
func (u *Union) Add(p *Package) {
	if u.added[p] {
		return
	}
	u.added[p] = true
	for k, m := range p.makes {
		u.makes[k] = m
	}
	for _, e := range p.edges {
		u.join(e[0], e[1])
	}
	u.loaded[p.Path] = true
	for _, e := range u.pending[p.Path] {
		u.join(e.a, e.b)
	}
	delete(u.pending, p.Path)
	for _, e := range p.calls {
		if u.loaded[e.pkg] {
			u.join(e.a, e.b)
		} else {
			u.pending[e.pkg] = append(u.pending[e.pkg], e)
		}
	}
	u.dyn = append(u.dyn, p.dyn...)
	u.bindDynamic()
	u.derived = append(u.derived, p.derived...)
	u.calls = append(u.calls, p.valueCalls...)
}

// CancelCalls returns the calls that cancel the context k: a call of the
// cancel function of any context.With… that made a context of k's class,
// or made one it derives from (cancelling a parent cancels its children).
// Sorted by file and line.
func (u *Union) CancelCalls(k string) []Call {
	if k == "" {
		return nil
	}
	cancels := make(map[string]bool) // roots of the cancel functions' classes
	roots := map[string]bool{u.find(k): true}
	for again := true; again; {
		again = false
		for _, d := range u.derived {
			if d.ctx == "" || !roots[u.find(d.ctx)] {
				continue
			}
			if d.cancel != "" {
				cancels[u.find(d.cancel)] = true
			}
			if d.parent != "" && !roots[u.find(d.parent)] {
				roots[u.find(d.parent)] = true
				again = true
			}
		}
	}
	var out []Call
	for _, c := range u.calls {
		if cancels[u.find(c.Key)] {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// bindDynamic joins the arguments and results of every call through a
// function value with the parameters and results of each function literal
// and loaded function its value's class holds. A join may bring more
// functions into a called value's class, so it repeats until nothing new
// is bound; each pair is bound once, which bounds the passes.
func (u *Union) bindDynamic() {
	for again := true; again; {
		again = false
		for _, d := range u.dyn {
			for _, m := range u.Members(d.fun) {
				var fn string
				switch {
				case strings.HasPrefix(m, "lit:"):
					fn = m
				case strings.HasPrefix(m, "fn:"):
					fn = strings.TrimPrefix(m, "fn:")
					if !u.loaded[funcPkg(fn)] {
						continue // a function without source: nothing to bind
					}
				default:
					continue
				}
				if u.bound[[2]string{d.fun, fn}] {
					continue
				}
				u.bound[[2]string{d.fun, fn}] = true
				again = true
				for i, a := range d.args {
					u.joinKeys(a, "p:"+fn+"#"+strconv.Itoa(i))
				}
				for i, r := range d.results {
					u.joinKeys(r, "r:"+fn+"#"+strconv.Itoa(i))
				}
			}
		}
	}
}

// joinKeys joins two keys when neither is "".
func (u *Union) joinKeys(a, b string) {
	if a != "" && b != "" {
		u.join(a, b)
	}
}

// funcPkg returns the import path of a function's full name
// ("example.com/p.F", "(*example.com/p.T).M").
func funcPkg(full string) string {
	full = strings.TrimLeft(full, "(*")
	slash := strings.LastIndex(full, "/")
	dot := strings.Index(full[slash+1:], ".")
	if dot < 0 {
		return full
	}
	return full[:slash+1+dot]
}

func (u *Union) find(k string) string {
	r, ok := u.parent[k]
	if !ok {
		return k
	}
	if r == k {
		return k
	}
	root := u.find(r)
	u.parent[k] = root
	return root
}

func (u *Union) join(a, b string) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	ma, mb := u.membersOf(ra), u.membersOf(rb)
	if len(ma) < len(mb) {
		ra, rb, ma, mb = rb, ra, mb, ma
	}
	u.parent[rb] = ra
	u.parent[ra] = ra
	u.members[ra] = append(ma, mb...)
	delete(u.members, rb)
}

func (u *Union) membersOf(root string) []string {
	if m, ok := u.members[root]; ok {
		return m
	}
	return []string{root}
}

// Same reports whether keys a and b may hold the same value.
func (u *Union) Same(a, b string) bool {
	return a != "" && b != "" && u.find(a) == u.find(b)
}

// Members returns every key of k's class, k included.
func (u *Union) Members(k string) []string {
	return u.membersOf(u.find(k))
}

// Makes returns the make sites of k's class, by file and line.
func (u *Union) Makes(k string) []Make {
	var out []Make
	for _, m := range u.Members(k) {
		if mk, ok := u.makes[m]; ok {
			out = append(out, mk)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}
