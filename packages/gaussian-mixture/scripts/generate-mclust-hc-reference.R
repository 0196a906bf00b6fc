# Reference for the `hc` initialisation and for mclust-style selection (issue 13, items 5 and the
# parity proof), from R mclust 6.
#
# For Old Faithful and iris (apps/cli/data): the classifications of mclust's default model-based
# hierarchical clustering, hc(data, modelName = "VVV", use = "SVD"), cut at G = 1..9 (hclass); and
# mclust's default Mclust() run to convergence from that start (tolerances 1e-10 and sqrt(eps)),
# its BIC for every model × G (mclust's sign: higher is better; NA where mclust fits nothing) and
# the model and G it picks. test/hierarchical-clustering.test.ts and test/mclust-selection.test.ts
# read the result.
#
# Run from packages/gaussian-mixture:  Rscript scripts/generate-mclust-hc-reference.R
suppressMessages({
  library(mclust)
  library(jsonlite)
})

datasets <- list(
  faithful = as.matrix(read.csv("../../apps/cli/data/faithful.csv")),
  iris = as.matrix(read.csv("../../apps/cli/data/iris.csv")[, 1:4])
)
models <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE", "VVE", "EEV", "VEV", "EVV", "VVV")

out <- list()
for (name in names(datasets)) {
  x <- datasets[[name]]
  dimnames(x) <- NULL
  tree <- hc(x, modelName = "VVV", use = "SVD")
  classes <- hclass(tree, 1:9)
  fit <- Mclust(x, G = 1:9, modelNames = models, verbose = FALSE,
                control = emControl(tol = c(1e-10, sqrt(.Machine$double.eps))))
  bic <- fit$BIC
  table <- lapply(models, function(m) {
    values <- as.numeric(bic[, m])
    lapply(values, function(v) if (is.na(v)) NULL else v)
  })
  names(table) <- models
  out[[name]] <- list(
    rows = nrow(x),
    columns = ncol(x),
    hcClassifications = lapply(1:9, function(g) as.integer(classes[, g])),
    bic = table,
    bestModel = fit$modelName,
    bestComponents = fit$G
  )
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = FALSE), "test/__fixtures__/mclust-hc-reference.json")
