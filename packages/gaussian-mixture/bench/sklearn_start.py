"""What both scikit-learn scripts of the bench share (imported by sklearn-reference.py and
sklearn-time-to-solution.py, which Python finds here because it puts a script's own folder on
sys.path): reading the bench's DATA.f64 + META.json, and a GaussianMixture started from the
bench's initial parameters.
"""
import json
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore", category=ConvergenceWarning)

SKLEARN_COVARIANCE_TYPES = {"full": "full", "tied": "tied", "diagonal": "diag", "spherical": "spherical"}


def precisions_of(covariance_type, covariances):
    c = np.asarray(covariances, dtype=float)
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(c)
    return 1.0 / c


def read_input(data_path, meta_path):
    """META.json as a dict and the data as an N x D array: DATA.f64 (raw little-endian float64,
    row-major), or a NumPy .npy file (the file the time-to-solution case also gives `em`)."""
    with open(meta_path) as handle:
        meta = json.load(handle)
    if data_path.endswith(".npy"):
        x = np.load(data_path)
    else:
        x = np.fromfile(data_path, dtype="<f8").reshape(meta["n"], meta["d"])
    return meta, x


def started_mixture(meta, max_iter, tol, reg_covar):
    """A GaussianMixture whose fit starts from META's weights, means and covariances."""
    return GaussianMixture(
        n_components=meta["k"],
        covariance_type=SKLEARN_COVARIANCE_TYPES[meta["covarianceType"]],
        max_iter=max_iter,
        tol=tol,
        reg_covar=reg_covar,
        weights_init=np.asarray(meta["weights"]),
        means_init=np.asarray(meta["means"]),
        precisions_init=precisions_of(meta["covarianceType"], meta["covariances"]),
        # The given initial parameters are used either way; 'random' keeps scikit-learn from
        # running k-means for initial responsibilities it then ignores.
        init_params="random",
        random_state=0,
    )
