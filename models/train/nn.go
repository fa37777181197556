package train

import (
	"math"
	"math/rand/v2"
)

// This file holds the network: a few layers with hand-written forward and
// backward passes, and Adam. Everything is float32, like the exported ONNX
// graph, and single-threaded, so a training run is a pure function of its
// inputs and seed.
//
// Products are written as float32(a * b): the explicit conversion forbids
// the compiler from fusing a multiply and an add into one instruction, which
// it may do on some architectures, so the arithmetic is exactly what the
// source says and not a matter of compiler choices.

// param is a trainable matrix (rows × cols, row-major) with its gradient and
// Adam moments.
type param struct {
	rows, cols int
	w, g, m, v []float32
	// sparse params (embeddings) keep gradients and take Adam steps only
	// for the rows a batch touched, listed in touched.
	sparse  bool
	touched []int32
	marked  []bool
}

func newParam(rows, cols int, sparse bool) *param {
	n := rows * cols
	p := &param{
		rows: rows, cols: cols,
		w: make([]float32, n), g: make([]float32, n),
		m: make([]float32, n), v: make([]float32, n),
		sparse: sparse,
	}
	if sparse {
		p.marked = make([]bool, rows)
	}
	return p
}

// initUniform fills w with values drawn uniformly from [-limit, limit).
func (p *param) initUniform(r *rand.Rand, limit float32) {
	for i := range p.w {
		p.w[i] = (2*r.Float32() - 1) * limit
	}
}

// gradRow returns row i of the gradient, marking it touched for sparse
// params.
func (p *param) gradRow(i int32) []float32 {
	if p.sparse && !p.marked[i] {
		p.marked[i] = true
		p.touched = append(p.touched, i)
	}
	return p.g[int(i)*p.cols : int(i+1)*p.cols]
}

func (p *param) row(i int64) []float32 {
	return p.w[int(i)*p.cols : int(i+1)*p.cols]
}

// adam holds the optimiser's hyper-parameters and step count.
type adam struct {
	lr, beta1, beta2, eps float64
	step                  int
}

func newAdam(lr float64) *adam {
	return &adam{lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8}
}

// update applies one Adam step to every param from its accumulated gradient
// times scale, then clears the gradients. Sparse params are updated lazily:
// only their touched rows move.
func (a *adam) update(params []*param, scale float32) {
	a.step++
	c1 := 1 - math.Pow(a.beta1, float64(a.step))
	c2 := 1 - math.Pow(a.beta2, float64(a.step))
	lr := float32(a.lr * math.Sqrt(c2) / c1)
	b1, b2 := float32(a.beta1), float32(a.beta2)
	eps := float32(a.eps * math.Sqrt(c2))
	for _, p := range params {
		if !p.sparse {
			a.updateRange(p, 0, len(p.w), scale, lr, b1, b2, eps)
			continue
		}
		for _, r := range p.touched {
			lo := int(r) * p.cols
			a.updateRange(p, lo, lo+p.cols, scale, lr, b1, b2, eps)
			p.marked[r] = false
		}
		p.touched = p.touched[:0]
	}
}

// updateRange uses the folded form of Adam's bias correction:
// w -= lr·√(1-β2ᵗ)/(1-β1ᵗ) · m / (√v + ε·√(1-β2ᵗ)).
func (a *adam) updateRange(p *param, lo, hi int, scale, lr, b1, b2, eps float32) {
	for i := lo; i < hi; i++ {
		g := float32(p.g[i] * scale)
		p.m[i] = float32(b1*p.m[i]) + float32((1-b1)*g)
		p.v[i] = float32(b2*p.v[i]) + float32((1-b2)*float32(g*g))
		p.w[i] -= float32(lr*p.m[i]) / (float32(math.Sqrt(float64(p.v[i]))) + eps)
		p.g[i] = 0
	}
}

// network is the classifier: token embeddings → masked mean pooling →
// dense + ReLU → dense → softmax.
type network struct {
	emb    *param // vocab × dim
	w1, b1 *param // dim × hidden, 1 × hidden
	w2, b2 *param // hidden × labels, 1 × labels
}

func newNetwork(r *rand.Rand, vocab, dim, hidden, labels int) *network {
	n := &network{
		emb: newParam(vocab, dim, true),
		w1:  newParam(dim, hidden, false),
		b1:  newParam(1, hidden, false),
		w2:  newParam(hidden, labels, false),
		b2:  newParam(1, labels, false),
	}
	// fastText-style small embeddings; the padding row stays zero, as it
	// is masked out anyway. Dense layers use Glorot-uniform limits.
	n.emb.initUniform(r, 1/float32(dim))
	clear(n.emb.row(0))
	n.w1.initUniform(r, float32(math.Sqrt(6/float64(dim+hidden))))
	n.w2.initUniform(r, float32(math.Sqrt(6/float64(hidden+labels))))
	return n
}

func (n *network) params() []*param {
	return []*param{n.emb, n.w1, n.b1, n.w2, n.b2}
}

func (n *network) dims() (dim, hidden, labels int) {
	return n.emb.cols, n.w1.cols, n.w2.cols
}

// clone returns a deep copy of the weights only, for keeping the best epoch.
func (n *network) cloneWeights() [][]float32 {
	ps := n.params()
	out := make([][]float32, len(ps))
	for i, p := range ps {
		out[i] = append([]float32(nil), p.w...)
	}
	return out
}

func (n *network) restoreWeights(ws [][]float32) {
	for i, p := range n.params() {
		copy(p.w, ws[i])
	}
}

// activations holds one example's forward pass, reused across examples.
type activations struct {
	pooled, pre, hidden, probs []float32
	dLogits, dHidden, dPooled  []float32
}

func (n *network) newActivations() *activations {
	dim, hidden, labels := n.dims()
	return &activations{
		pooled: make([]float32, dim), pre: make([]float32, hidden),
		hidden: make([]float32, hidden), probs: make([]float32, labels),
		dLogits: make([]float32, labels), dHidden: make([]float32, hidden),
		dPooled: make([]float32, dim),
	}
}

// forward computes the label probabilities of one sentence given the ids of
// its real (unpadded) tokens, leaving intermediate values in a.
func (n *network) forward(ids []int64, a *activations) []float32 {
	dim, hidden, labels := n.dims()
	clear(a.pooled)
	for _, id := range ids {
		for d, e := range n.emb.row(id) {
			a.pooled[d] += e
		}
	}
	// Mirrors the graph's Max(count, 1): an all-padding row pools to zero
	// instead of dividing by zero.
	count := float32(max(len(ids), 1))
	for d := range a.pooled {
		a.pooled[d] /= count
	}
	for j := range hidden {
		a.pre[j] = n.b1.w[j]
	}
	for d := range dim {
		x := a.pooled[d]
		for j, w := range n.w1.row(int64(d)) {
			a.pre[j] += float32(x * w)
		}
	}
	for j, v := range a.pre {
		a.hidden[j] = max(v, 0)
	}
	logits := a.probs
	for l := range labels {
		logits[l] = n.b2.w[l]
	}
	for j := range hidden {
		h := a.hidden[j]
		if h == 0 {
			continue
		}
		for l, w := range n.w2.row(int64(j)) {
			logits[l] += float32(h * w)
		}
	}
	softmax(logits)
	return a.probs
}

// backward accumulates the gradients of weight·(cross-entropy of label) for
// the example whose forward pass is in a.
func (n *network) backward(ids []int64, label int, weight float32, a *activations) {
	dim, hidden, _ := n.dims()
	for l, p := range a.probs {
		t := float32(0)
		if l == label {
			t = 1
		}
		a.dLogits[l] = float32(p-t) * weight
	}
	for l, d := range a.dLogits {
		n.b2.g[l] += d
	}
	for j := range hidden {
		h := a.hidden[j]
		w2 := n.w2.row(int64(j))
		g2 := n.w2.g[j*n.w2.cols : (j+1)*n.w2.cols]
		var dh float32
		for l, d := range a.dLogits {
			g2[l] += float32(h * d)
			dh += float32(w2[l] * d)
		}
		if a.pre[j] <= 0 {
			dh = 0
		}
		a.dHidden[j] = dh
		n.b1.g[j] += dh
	}
	for d := range dim {
		x := a.pooled[d]
		w1 := n.w1.row(int64(d))
		g1 := n.w1.g[d*n.w1.cols : (d+1)*n.w1.cols]
		var dp float32
		for j, dh := range a.dHidden {
			g1[j] += float32(x * dh)
			dp += float32(w1[j] * dh)
		}
		a.dPooled[d] = dp
	}
	inv := 1 / float32(max(len(ids), 1))
	for _, id := range ids {
		g := n.emb.gradRow(int32(id))
		for d, dp := range a.dPooled {
			g[d] += float32(dp * inv)
		}
	}
}

// softmax turns logits into probabilities in place.
func softmax(x []float32) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var sum float64
	for _, v := range x {
		sum += math.Exp(float64(v - m))
	}
	for i, v := range x {
		x[i] = float32(math.Exp(float64(v-m)) / sum)
	}
}

// mergeNetworks returns one network that computes the mean of the logits of
// nets, which must share vocabulary and label count. Pooling is linear and
// works per embedding column, so side-by-side embeddings pool to the
// members' pooled vectors side by side; a block-diagonal first layer keeps
// each member's hidden units fed by its own columns only.
func mergeNetworks(nets []*network) *network {
	k := len(nets)
	dim, hidden, labels := nets[0].dims()
	vocab := nets[0].emb.rows
	m := &network{
		emb: newParam(vocab, k*dim, true),
		w1:  newParam(k*dim, k*hidden, false),
		b1:  newParam(1, k*hidden, false),
		w2:  newParam(k*hidden, labels, false),
		b2:  newParam(1, labels, false),
	}
	scale := 1 / float32(k)
	for i, n := range nets {
		for v := range vocab {
			copy(m.emb.w[v*k*dim+i*dim:], n.emb.row(int64(v)))
		}
		for d := range dim {
			copy(m.w1.w[(i*dim+d)*k*hidden+i*hidden:], n.w1.row(int64(d)))
		}
		copy(m.b1.w[i*hidden:], n.b1.w)
		for j := range hidden {
			dst := m.w2.row(int64(i*hidden + j))
			for l, w := range n.w2.row(int64(j)) {
				dst[l] = float32(w * scale)
			}
		}
		for l, b := range n.b2.w {
			m.b2.w[l] += float32(b * scale)
		}
	}
	return m
}
