# Reference trajectories of R mclust 6 for the fourteen covariance models.
#
# For three datasets made here (D = 2, 3, 4; overlapping, elongated clusters of differing
# volumes) and every model: the start is mclust's own M-step from a k-means classification
# (mstep), then em() with tolerance 0 and t outer iterations for t = 1..T (the second itmax is
# mclust's inner-iteration cap), recording the log-likelihood after each iteration and
# the final parameters. test/mclust-agreement.test.ts replays the same start with our M-steps.
#
# Run from packages/gaussian-mixture:  Rscript scripts/generate-mclust-reference.R
# (R and mclust from Debian: apt-get install r-base-core r-cran-mclust; jsonlite comes with them.)
suppressMessages({
  library(mclust)
  library(jsonlite)
})

iterations <- 20
# With tol = c(0, 0) mclust's inner loops (VEI, VEE, EVE, VVE, VEV) stop as soon as their target is
# bitwise unchanged between two inner iterations, after 10-20 iterations here: the cap is never
# reached (20 000 and 200 000 give identical output) and is only a bound.
innerIterations <- 20000
models <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE", "VVE", "EEV", "VEV", "EVV", "VVV")

rotation <- function(d, angle) {
  # A rotation in every coordinate plane by a multiple of `angle`.
  r <- diag(d)
  for (i in 1:(d - 1)) for (j in (i + 1):d) {
    g <- diag(d)
    t <- angle * (i + 2 * j) / d
    g[i, i] <- cos(t); g[j, j] <- cos(t); g[i, j] <- -sin(t); g[j, i] <- sin(t)
    r <- g %*% r
  }
  r
}

draw <- function(n, mean, volume, shape, angle) {
  d <- length(mean)
  r <- rotation(d, angle)
  sigma <- volume * r %*% diag(shape / prod(shape)^(1 / d)) %*% t(r)
  z <- matrix(rnorm(n * d), n, d)
  sweep(z %*% chol(sigma), 2, mean, "+")
}

make <- function(seed, d, spec) {
  set.seed(seed)
  parts <- lapply(spec, function(s) draw(s$n, s$mean, s$volume, s$shape, s$angle))
  do.call(rbind, parts)
}

datasets <- list(
  list(name = "overlapping-2d", k = 3, x = make(11, 2, list(
    list(n = 120, mean = c(0, 0), volume = 1.0, shape = c(6, 1), angle = 0.5),
    list(n = 90, mean = c(2.5, 1.5), volume = 0.4, shape = c(3, 1), angle = 1.4),
    list(n = 60, mean = c(-1.5, 3), volume = 2.0, shape = c(1.5, 1), angle = -0.3)))),
  list(name = "elongated-3d", k = 3, x = make(12, 3, list(
    list(n = 150, mean = c(0, 0, 0), volume = 1.5, shape = c(10, 2, 1), angle = 0.4),
    list(n = 100, mean = c(3, 2, -1), volume = 0.5, shape = c(5, 2, 1), angle = 0.9),
    list(n = 80, mean = c(-2, 3, 2), volume = 1.0, shape = c(4, 3, 1), angle = -0.7)))),
  list(name = "volumes-4d", k = 3, x = make(13, 4, list(
    list(n = 160, mean = c(0, 0, 0, 0), volume = 3.0, shape = c(8, 4, 2, 1), angle = 0.3),
    list(n = 120, mean = c(3, 1, -2, 1), volume = 0.6, shape = c(6, 3, 2, 1), angle = 1.1),
    list(n = 90, mean = c(-2, 3, 1, -2), volume = 1.2, shape = c(3, 2, 2, 1), angle = -0.5))))
)

sigmas <- function(parameters, d, k) {
  s <- parameters$variance$sigma
  lapply(1:k, function(j) unname(s[, , j]))
}

readable <- function(parameters, d, k) {
  list(weights = unname(parameters$pro), means = unname(lapply(1:k, function(j) parameters$mean[, j])), covariances = sigmas(parameters, d, k))
}

# --- VEE and EVE: the exact EM trajectory ------------------------------------------------------
# With tol = c(0, 0) mclust stops these two inner loops when its target is bitwise unchanged between
# two inner iterations. The target is the objective itself, flat to first order at the maximum, so
# it stops changing while the parameters are still up to ~5e-8 (EVE) / ~7e-9 (VEE) from the
# conditional maximum, and those misses accumulate over the outer iterations. The exact trajectory
# is well defined: each step is mclust's em() for one iteration from the previous exact parameters
# (its E-step, weights and means), with the covariances then finished off to the conditional
# maximum by the updates below, run until the parameters themselves stop changing. `stepGap`
# records, per iteration, how far mclust's own M-step was from that maximum (largest |ΔΣ_k| / max|Σ_k|).

scatters <- function(x, z) {
  lapply(1:ncol(z), function(j) {
    mu <- colSums(x * z[, j]) / sum(z[, j])
    centred <- sweep(x, 2, mu)
    crossprod(centred * sqrt(z[, j]))
  })
}

# VEE, Σ_k = λ_k C with det C = 1 (Celeux & Govaert 1995): C ∝ Σ_k W_k/λ_k, λ_k = tr(C⁻¹ W_k)/(n_k d).
finishVEE <- function(W, n, scale) {
  d <- nrow(W[[1]])
  for (i in 1:100000) {
    S <- Reduce(`+`, Map(function(w, l) w / l, W, scale))
    C <- S / det(S)^(1 / d)
    inverse <- solve(C)
    next_scale <- mapply(function(w, m) sum(inverse * w) / (m * d), W, n)
    change <- max(abs(next_scale - scale) / next_scale)
    scale <- next_scale
    if (change <= 2 * .Machine$double.eps && i > 2) break
  }
  decomposition <- eigen(C, symmetric = TRUE)
  list(sigma = lapply(scale, function(l) l * C), variance = list(scale = scale, shape = decomposition$values, orientation = decomposition$vectors))
}

# EVE, Σ_k = λ D A_k Dᵀ: given D, A_k and λ are closed form; D by exact plane rotations (the
# objective Σ_k tr(W_k D B_k Dᵀ), B_k = (λA_k)⁻¹, is const + a·cos 2θ + b·sin 2θ in each plane).
finishEVE <- function(W, n, D) {
  d <- nrow(D)
  G <- length(W)
  parts <- function(D) {
    v <- sapply(W, function(w) colSums(D * (w %*% D)))
    g <- apply(v, 2, function(c) exp(mean(log(c))))
    list(shape = sweep(v, 2, g, "/"), scale = sum(g) / sum(n))
  }
  p <- parts(D)
  for (sweep in 1:100000) {
    previous <- D
    for (i in 1:(d - 1)) for (j in (i + 1):d) {
      a <- 0
      b <- 0
      for (m in 1:G) {
        gap <- 1 / (p$scale * p$shape[i, m]) - 1 / (p$scale * p$shape[j, m])
        wi <- W[[m]] %*% D[, i]
        wj <- W[[m]] %*% D[, j]
        a <- a + 0.5 * gap * (sum(D[, i] * wi) - sum(D[, j] * wj))
        b <- b + gap * sum(D[, i] * wj)
      }
      theta <- 0.5 * atan2(-b, -a)
      di <- D[, i]
      D[, i] <- cos(theta) * di + sin(theta) * D[, j]
      D[, j] <- -sin(theta) * di + cos(theta) * D[, j]
    }
    p <- parts(D)
    if (max(abs(D - previous)) <= 4 * .Machine$double.eps && sweep > 2) break
  }
  list(sigma = lapply(1:G, function(m) p$scale * D %*% diag(p$shape[, m]) %*% t(D)), variance = list(scale = p$scale, shape = p$shape, orientation = D))
}

exactTrajectory <- function(x, model, start, k) {
  d <- ncol(x)
  parameters <- start
  history <- numeric(iterations)
  stepGap <- numeric(iterations)
  for (t in 1:iterations) {
    z <- estep(data = x, modelName = model, parameters = parameters)$z
    one <- em(data = x, modelName = model, parameters = parameters, control = emControl(tol = c(0, 0), itmax = c(1, innerIterations)))$parameters
    W <- scatters(x, z)
    n <- colSums(z)
    finished <- if (model == "VEE") finishVEE(W, n, one$variance$scale) else finishEVE(W, n, one$variance$orientation)
    theirs <- one$variance$sigma
    stepGap[t] <- max(sapply(1:k, function(j) max(abs(theirs[, , j] - finished$sigma[[j]])) / max(abs(finished$sigma[[j]]))))
    variance <- c(list(modelName = model, d = d, G = k, sigma = array(unlist(finished$sigma), c(d, d, k))), finished$variance)
    parameters <- list(pro = one$pro, mean = one$mean, variance = variance)
    history[t] <- estep(data = x, modelName = model, parameters = parameters)$loglik
  }
  list(logLikelihood = history, final = readable(parameters, d, k), stepGap = stepGap)
}

output <- list(generator = "scripts/generate-mclust-reference.R", mclust = as.character(packageVersion("mclust")), iterations = iterations, datasets = list())
for (set in datasets) {
  x <- set$x
  d <- ncol(x)
  k <- set$k
  set.seed(1)
  classification <- kmeans(x, centers = k, nstart = 5)$cluster
  cases <- list()
  for (model in models) {
    start <- mstep(data = x, modelName = model, z = unmap(classification))$parameters
    history <- numeric(iterations)
    final <- NULL
    for (t in 1:iterations) {
      fit <- em(data = x, modelName = model, parameters = start, control = emControl(tol = c(0, 0), itmax = c(t, innerIterations)))
      history[t] <- fit$loglik
      final <- fit$parameters
    }
    cases[[model]] <- list(start = readable(start, d, k), logLikelihood = history, final = readable(final, d, k))
    if (model %in% c("VEE", "EVE")) cases[[model]]$exact <- exactTrajectory(x, model, start, k)
  }
  output$datasets[[length(output$datasets) + 1]] <- list(name = set$name, components = k, data = unname(lapply(1:nrow(x), function(i) x[i, ])), models = cases)
}
writeLines(toJSON(output, digits = NA, auto_unbox = TRUE, matrix = "rowmajor"), "test/__fixtures__/mclust-reference.json")
