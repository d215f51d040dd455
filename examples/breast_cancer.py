"""Train a binary neural network on scikit-learn's breast cancer data by amplitude amplification.

    python examples/breast_cancer.py

Four features are kept and binarised at their medians; the BNN [4, 2, 1] has
10 weights, searched by Durr-Hoyer minimum finding on the structured engine.
"""

from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline

from qbnn import MedianBinarizer, QuantumBNNClassifier

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(
    SelectKBest(f_classif, k=4),
    MedianBinarizer(),
    QuantumBNNClassifier(hidden=(2,), strategy="best", random_state=0),
)
scores = cross_validate(model, X, y, cv=5, return_train_score=True)
print(f"train accuracy    {scores['train_score'].mean():.3f} ± {scores['train_score'].std():.3f}")
print(f"held-out accuracy {scores['test_score'].mean():.3f} ± {scores['test_score'].std():.3f}")

model.fit(X, y)
clf = model[-1]
print(f"weights {clf.weights_.tolist()}, {clf.oracle_calls_} oracle calls, training accuracy {clf.train_correct_}/{len(y)}")
