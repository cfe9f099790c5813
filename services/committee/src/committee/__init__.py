"""committee"""
