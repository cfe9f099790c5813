"""missions"""
