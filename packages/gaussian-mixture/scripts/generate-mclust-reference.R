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
# mclust's VEE inner loop is still moving at 1000 iterations (1.5e-9 relative on overlapping-2d after
# 20 outer iterations, against 20 000), so the inner cap is raised until every inner loop settles.
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
    cases[[model]] <- list(
      start = list(weights = unname(start$pro), means = unname(lapply(1:k, function(j) start$mean[, j])), covariances = sigmas(start, d, k)),
      logLikelihood = history,
      final = list(weights = unname(final$pro), means = unname(lapply(1:k, function(j) final$mean[, j])), covariances = sigmas(final, d, k))
    )
  }
  output$datasets[[length(output$datasets) + 1]] <- list(name = set$name, components = k, data = unname(lapply(1:nrow(x), function(i) x[i, ])), models = cases)
}
writeLines(toJSON(output, digits = NA, auto_unbox = TRUE, matrix = "rowmajor"), "test/__fixtures__/mclust-reference.json")
