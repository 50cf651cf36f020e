print("spark-portal")
