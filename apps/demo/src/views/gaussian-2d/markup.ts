// The 2-D Gaussian view's controls and plots (the ids are this view's own: one view is mounted at a time).
export const gaussian2dMarkup = /* html */ `
<p class="lede">
  Fit a Gaussian mixture by Expectation–Maximization and watch every iteration: points take the colours of the
  components that claim them, and each component's mean (+) and 1σ / 2σ covariance ellipses move.
</p>
<form id="controls" autocomplete="off">
  <fieldset>
    <legend>Data</legend>
    <label>Dataset <select id="dataset"></select></label>
    <label>or your CSV/TSV <input id="upload" type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values" /></label>
    <label>x axis <select id="x-column"></select></label>
    <label>y axis <select id="y-column"></select></label>
    <label id="fit-columns-label">Fit on
      <select id="fit-columns">
        <option value="plotted">the two plotted columns</option>
        <option value="all">all numeric columns</option>
      </select>
    </label>
    <p id="dataset-description" class="note"></p>
  </fieldset>
  <fieldset>
    <legend>Model</legend>
    <label>Components <input id="components" type="number" min="1" max="8" step="1" value="2" /></label>
    <label>Covariance
      <select id="covariance">
        <option value="full">full</option>
        <option value="tied">tied</option>
        <option value="diagonal">diagonal</option>
        <option value="spherical">spherical</option>
        <optgroup label="mclust models (volume, shape, orientation)">
          <option value="EII">EII</option>
          <option value="EEI">EEI</option>
          <option value="VEI">VEI</option>
          <option value="EVI">EVI</option>
          <option value="VEE">VEE</option>
          <option value="EVE">EVE</option>
          <option value="VVE">VVE</option>
          <option value="EEV">EEV</option>
          <option value="VEV">VEV</option>
          <option value="EVV">EVV</option>
        </optgroup>
      </select>
    </label>
    <label>Start
      <select id="initialization">
        <option value="random-points" selected>random data points as centres</option>
        <option value="kmeans++">k-means++ seeds</option>
        <option value="kmeans">k-means (Lloyd)</option>
        <option value="random">random centres, soft responsibilities</option>
      </select>
    </label>
    <label>Seed <input id="seed" type="number" step="1" value="0" /></label>
  </fieldset>
  <fieldset>
    <legend>Run</legend>
    <label>Max iterations <input id="max-iterations" type="number" min="1" max="1000" step="1" value="1000" /></label>
    <label>Tolerance <input id="tolerance" type="number" min="0" step="any" value="1e-10" title="Stop when |Δ objective| / max(1, |objective|) falls below this (the library's default rule)" /></label>
    <label>Animation
      <select id="speed">
        <option value="250">slow</option>
        <option value="60" selected>fast</option>
        <option value="0">none</option>
      </select>
    </label>
    <label title="Fit twice from the same start, plain EM and SQUAREM (extrapolated EM steps), and plot both against the E-steps spent">
      <input id="compare-acceleration" type="checkbox" /> Plain vs accelerated (SQUAREM)
    </label>
    <div class="buttons">
      <button type="button" id="fit">Fit</button>
      <button type="button" id="step">Step</button>
      <button type="button" id="reset">Reset</button>
    </div>
  </fieldset>
</form>
<section id="plots">
  <figure>
    <svg id="scatter" viewBox="0 0 600 460" role="img" aria-label="Scatter plot of the data with the mixture components"></svg>
    <figcaption id="phase">θ₀: the seeded starting point. Press Step or Fit.</figcaption>
  </figure>
  <div id="side">
    <dl id="readout">
      <dt>Iteration</dt><dd id="iterations">–</dd>
      <dt>Log-likelihood</dt><dd id="log-likelihood">–</dd>
      <dt title="The covariance prior (regCovar) as log p(θ)">Log-prior</dt><dd id="log-prior">–</dd>
      <dt>Change</dt><dd id="change">–</dd>
      <dt>BIC</dt><dd id="bic">–</dd>
      <dt>Stopped</dt><dd id="stop-reason">–</dd>
    </dl>
    <table id="components-table"></table>
    <p id="error" role="alert" hidden></p>
    <svg id="objective-chart" viewBox="0 0 420 240" role="img" aria-label="Log-likelihood per iteration (solid), and the objective log-likelihood + log-prior (dashed)"></svg>
    <svg id="acceleration-chart" viewBox="0 0 420 240" role="img" aria-label="Log-likelihood against E-steps for plain EM and for SQUAREM from the same start" hidden></svg>
  </div>
</section>
<section id="explanation">
  <h2>What EM does here</h2>
  <p>
    A Gaussian mixture says each point came from one of <var>K</var> Gaussian components, but not which one.
    EM alternates two steps. The <strong>E-step</strong> takes the current means, covariances and weights and
    computes, for every point, the probability that each component produced it (its
    <em>responsibilities</em>; here, the point's colour is the blend of the component colours in those
    proportions). The <strong>M-step</strong> then re-estimates each component as if those soft assignments were
    known: its weight is its share of the responsibility, its mean the responsibility-weighted average of the
    points, its covariance their weighted spread (pooled for <em>tied</em>, axis-aligned for <em>diagonal</em>, one
    radius for <em>spherical</em>). Each round can only raise the <em>objective</em>: the log-likelihood plus the
    log-prior of the small covariance regularisation (<code>regCovar</code>), the dashed curve of the chart, which
    never goes down. The solid curve is the log-likelihood itself, the figure to compare with other software; the
    gap between the two is the log-prior (shown in the read-out). EM stops when the gain relative to the objective falls below the tolerance. It finds a
    local maximum: try other seeds and compare log-likelihoods, and use BIC (lower is better) to compare numbers
    of components.
  </p>
</section>
`;
